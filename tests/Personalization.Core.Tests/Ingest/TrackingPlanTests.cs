using Json.Schema;
using Personalization.Events;
using Personalization.Ingest;
using static Personalization.Tests.IngestChecks.IngestTestKit;

namespace Personalization.Tests.IngestChecks;

/// <summary>Tracking plans: a JSON Schema per event, rejecting or flagging the events that break it.</summary>
public class TrackingPlanTests
{
    private const string ProductSchema = """
        {"type":"object","required":["product_id","price"],
         "properties":{"product_id":{"type":"string"},"price":{"type":"number","minimum":0}}}
        """;

    [Test]
    public void An_event_that_breaks_a_rejecting_schema_is_rejected_with_what_is_wrong()
    {
        var validator = Validator(o => o.AddSchema("Product Added", ProductSchema));

        var good = validator.Parse(Utf8(Good));
        var bad = validator.Parse(Utf8(GoodWith("\"product_id\":\"p-1\"", "\"product_id\":42")));

        Assert.Multiple(() =>
        {
            Assert.That(good.Success, Is.True, good.ToString());
            Assert.That(good.IsFlagged, Is.False);
            Assert.That(bad.ReasonCode, Is.EqualTo(IngestReasons.SchemaViolation));
            Assert.That(bad.Message, Does.Contain("'Product Added'").And.Contain("/product_id"));
            Assert.That(bad.Raw.IsEmpty, Is.False);
        });
    }

    [Test]
    public void An_event_that_breaks_a_flagging_schema_is_accepted_with_a_flag()
    {
        var validator = Validator(o => o.AddSchema("Product Added", ProductSchema, SchemaViolationAction.Flag));

        var result = validator.Parse(Utf8(GoodWith("\"price\":12.5,", "")));

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.True, result.ToString());
            Assert.That(result.IsFlagged, Is.True);
            Assert.That(result.FlagReason, Is.EqualTo(IngestReasons.SchemaViolation));
            Assert.That(result.FlagMessage, Does.Contain("price"));
        });
    }

    [Test]
    public void Events_without_a_schema_pass_and_identify_is_checked_on_its_traits()
    {
        var validator = Validator(o => o
            .AddSchema("Order Completed", """{"required":["order_id"]}""")
            .AddSchema(SegmentEventType.Identify, """{"properties":{"email":{"type":"string","pattern":"@"}}}"""));

        var unplanned = validator.Parse(Utf8(Good));
        var goodIdentify = validator.Parse(Utf8("""{"type":"identify","messageId":"m-2","userId":"u-1","timestamp":"2019-10-01T00:00:00Z","traits":{"email":"ann@example.com"}}"""));
        var badIdentify = validator.Parse(Utf8("""{"type":"identify","messageId":"m-3","userId":"u-1","timestamp":"2019-10-01T00:00:00Z","traits":{"email":"nobody"}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(unplanned.Success, Is.True, unplanned.ToString());
            Assert.That(goodIdentify.Success, Is.True, goodIdentify.ToString());
            Assert.That(badIdentify.ReasonCode, Is.EqualTo(IngestReasons.SchemaViolation));
            Assert.That(badIdentify.Message, Does.Contain("identify calls").And.Contain("traits"));
        });
    }

    [Test]
    public void A_compiled_schema_works_like_one_given_as_text()
    {
        var schema = JsonSchema.FromText(ProductSchema);
        var validator = Validator(o => o.AddSchema("Product Added", schema));

        var result = validator.Check(SegmentEvent.Track("m-1", "u-1", "Product Added", Now, new Dictionary<string, object?> { ["product_id"] = "p" }));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.SchemaViolation), result.ToString());
    }

    [Test]
    public void A_bad_schema_is_an_options_error_naming_the_event()
    {
        var options = new ValidationOptions().AddSchema("Checkout Started", """{"type": 12}""");
        var errors = new List<string>();

        ValidationOptionsValidator.Validate(errors, options);

        Assert.That(errors, Has.Some.Contains("'Checkout Started'").And.Some.Contains("not a valid JSON Schema"));
        Assert.That(() => new EventValidator(options, TimeProvider.System), Throws.ArgumentException.With.Message.Contains("'Checkout Started'"));
    }
}
