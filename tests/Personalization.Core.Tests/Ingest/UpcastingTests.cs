using System.Text.Json.Nodes;
using Personalization.Events;
using Personalization.Ingest;
using static Personalization.Tests.IngestChecks.IngestTestKit;

namespace Personalization.Tests.IngestChecks;

/// <summary>Event schema upcasting: old versions are migrated before they are checked; newer ones are rejected.</summary>
public class UpcastingTests
{
    // Version 1 sent the product id as "sku" and prices with a decimal comma ("12,50"); this upcaster rebuilds the
    // properties of the version-1 events of these tests.
    private static JsonObject V1ToV2(JsonObject e)
    {
        var v1 = e["properties"]!.AsObject();
        e["properties"] = new JsonObject
        {
            ["product_id"] = v1["sku"]!.GetValue<string>(),
            ["price"] = v1["price"]!.GetValue<string>().Replace(',', '.'),
        };
        return e;
    }

    private const string V1 =
        """{"type":"track","event":"Product Added","messageId":"m-1","userId":"u-1","timestamp":"2019-10-01T00:00:00Z","properties":{"sku":"p-1","price":"12,50"}}""";

    [Test]
    public void A_version_1_event_is_upcast_to_version_2_before_it_is_checked()
    {
        var validator = Validator(o => o.SchemaVersion = 2);
        var upcasting = Validator(o =>
        {
            o.SchemaVersion = 2;
            o.AddUpcaster(1, V1ToV2);
        });

        var withoutUpcaster = validator.Parse(Utf8(V1));
        var result = upcasting.Parse(Utf8(V1));

        Assert.Multiple(() =>
        {
            Assert.That(withoutUpcaster.ReasonCode, Is.EqualTo(IngestReasons.UnsupportedSchemaVersion));
            Assert.That(withoutUpcaster.Message, Does.Contain("no upcaster migrates version 1 to 2"));
            Assert.That(result.Success, Is.True, result.ToString());
            Assert.That(result.Event!.Properties["product_id"], Is.EqualTo("p-1"));
            Assert.That(result.Event.Properties["price"], Is.EqualTo("12.50"));
            Assert.That(result.Event.Properties.ContainsKey("sku"), Is.False);
            Assert.That(result.Event.Context["schema_version"], Is.EqualTo(2L));
        });
    }

    [Test]
    public void A_version_2_event_passes_untouched_and_a_version_3_event_is_rejected_when_current_is_2()
    {
        var validator = Validator(o => o.SchemaVersion = 2);
        var v2 = Utf8(GoodWith("\"timestamp\"", "\"context\":{\"schema_version\":2},\"timestamp\""));
        var v3 = Utf8(GoodWith("\"timestamp\"", "\"context\":{\"schema_version\":3},\"timestamp\""));

        var current = validator.Parse(v2);
        var newer = validator.Parse(v3);

        Assert.Multiple(() =>
        {
            Assert.That(current.Success, Is.True, current.ToString());
            Assert.That(newer.ReasonCode, Is.EqualTo(IngestReasons.UnsupportedSchemaVersion));
            Assert.That(newer.Message, Does.Contain("schema version 3, newer than this engine's 2"));
            Assert.That(newer.Raw.ToArray(), Is.EqualTo(v3));
        });
    }

    [TestCase("\"two\"")]
    [TestCase("0")]
    [TestCase("1.5")]
    public void A_schema_version_that_is_not_a_whole_number_of_at_least_1_is_unsupported(string version)
    {
        var result = Validator().Parse(Utf8(GoodWith("\"timestamp\"", $"\"context\":{{\"schema_version\":{version}}},\"timestamp\"")));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.UnsupportedSchemaVersion), result.ToString());
    }

    [Test]
    public void An_upcaster_that_throws_rejects_the_event_and_the_next_event_is_fine()
    {
        var validator = Validator(o =>
        {
            o.SchemaVersion = 2;
            o.AddUpcaster(1, _ => throw new FormatException("bad price"));
        });

        var failed = validator.Parse(Utf8(V1));
        var current = validator.Parse(Utf8(GoodWith("\"timestamp\"", "\"context\":{\"schema_version\":2},\"timestamp\"")));

        Assert.Multiple(() =>
        {
            Assert.That(failed.ReasonCode, Is.EqualTo(IngestReasons.UnsupportedSchemaVersion));
            Assert.That(failed.Message, Does.Contain("FormatException: bad price"));
            Assert.That(failed.Raw.ToArray(), Is.EqualTo(Utf8(V1)), "the dead letter keeps the event as it came, not as upcast");
            Assert.That(current.Success, Is.True);
        });
    }

    [Test]
    public void Upcasters_chain_and_typed_events_are_upcast_too()
    {
        var validator = Validator(o => o
            .AddUpcaster(1, e => { e["properties"]!["step1"] = true; return e; })
            .AddUpcaster(2, e => { e["properties"]!["step2"] = true; return e; })
            .SchemaVersion = 3);
        var typed = SegmentEvent.Track("m-1", "u-1", "A", Now, new Dictionary<string, object?> { ["x"] = 1L });

        var result = validator.Check(typed);

        Assert.That(result.Success, Is.True, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.Event, Is.Not.SameAs(typed));
            Assert.That(result.Event!.Properties["step1"], Is.EqualTo(true));
            Assert.That(result.Event.Properties["step2"], Is.EqualTo(true));
            Assert.That(result.Event.Context["schema_version"], Is.EqualTo(3L));
        });
    }
}
