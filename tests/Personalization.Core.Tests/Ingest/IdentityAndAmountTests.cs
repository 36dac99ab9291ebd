using Personalization.Events;
using Personalization.Ingest;
using static Personalization.Tests.IngestChecks.IngestTestKit;

namespace Personalization.Tests.IngestChecks;

/// <summary>Junk identities and e-commerce amounts.</summary>
public class IdentityAndAmountTests
{
    [TestCase("null")]
    [TestCase("undefined")]
    [TestCase("UNDEFINED")]
    [TestCase(" anonymous ")]
    [TestCase("unknown")]
    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("[object Object]")]
    [TestCase("   ")]
    public void A_placeholder_user_id_is_junk(string userId)
    {
        var result = Validator().Parse(Utf8(GoodWith("\"userId\":\"u-1\"", $"\"userId\":\"{userId}\",\"anonymousId\":\"a-1\"")));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity), result.ToString());
        Assert.That(result.Message, Does.Contain("userId"));
    }

    [TestCase("0")]
    [TestCase("-1")]
    public void A_numeric_placeholder_id_is_junk_too(string id)
    {
        var result = Validator().Parse(Utf8(GoodWith("\"userId\":\"u-1\"", $"\"userId\":{id}")));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity));
    }

    [Test]
    public void An_empty_user_id_beside_a_good_anonymous_id_is_taken_as_absent()
    {
        var result = Validator().Parse(Utf8(GoodWith("\"userId\":\"u-1\"", "\"userId\":\"\",\"anonymousId\":\"a-1\"")));

        Assert.That(result.Success, Is.True, result.ToString());
        Assert.That(result.Event!.ProfileId, Is.EqualTo("a-1"));
    }

    [TestCase("\"userId\":\"\"")]
    [TestCase("\"userId\":\"\",\"anonymousId\":null")]
    [TestCase("\"userId\":null,\"anonymousId\":\"\"")]
    public void An_empty_id_that_is_the_only_id_is_junk(string ids)
    {
        var result = Validator().Parse(Utf8(GoodWith("\"userId\":\"u-1\"", ids)));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity), result.ToString());
    }

    [Test]
    public void A_junk_anonymous_id_and_an_alias_junk_previous_id_are_junk()
    {
        var anonymous = Validator().Parse(Utf8(GoodWith("\"userId\":\"u-1\"", "\"userId\":\"u-1\",\"anonymousId\":\"null\"")));
        var alias = Validator().Parse(Utf8("""{"type":"alias","messageId":"m","userId":"u-1","previousId":"","timestamp":"2019-10-01T00:00:00Z"}"""));

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity));
            Assert.That(alias.ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity));
            Assert.That(alias.Message, Does.Contain("previousId"));
        });
    }

    [Test]
    public void The_junk_list_is_configurable()
    {
        var validator = Validator(o => o.JunkIds = ["guest"]);

        Assert.Multiple(() =>
        {
            Assert.That(validator.Parse(Utf8(GoodWith("u-1", "Guest"))).ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity));
            Assert.That(validator.Parse(Utf8(GoodWith("u-1", "undefined"))).Success, Is.True);
        });
    }

    [TestCase("12.5")]
    [TestCase("0")]
    [TestCase("\"12.50\"")]
    [TestCase("\" 3 \"")]
    [TestCase("1e3")]
    [TestCase("null")]
    public void A_finite_non_negative_amount_or_numeric_string_is_accepted(string price)
    {
        var result = Validator().Parse(Utf8(GoodWith("\"price\":12.5", $"\"price\":{price}")));

        Assert.That(result.Success, Is.True, result.ToString());
    }

    [TestCase("\"price\":-0.01", "properties.price = -0.01")]
    [TestCase("\"price\":\"NaN\"", "properties.price = \"NaN\"")]
    [TestCase("\"price\":\"Infinity\"", "properties.price")]
    [TestCase("\"price\":1e400", "properties.price = \"1e400\"")]
    [TestCase("\"price\":\"12,50\"", "properties.price = \"12,50\"")]
    [TestCase("\"price\":true", "properties.price = true")]
    [TestCase("\"price\":{}", "properties.price = a list or object")]
    [TestCase("\"price\":\"\"", "properties.price")]
    [TestCase("\"quantity\":-2", "properties.quantity = -2")]
    [TestCase("\"revenue\":-5", "properties.revenue")]
    [TestCase("\"total\":\"abc\"", "properties.total")]
    [TestCase("\"value\":-1e308", "properties.value")]
    [TestCase("\"products\":[{\"price\":1},{\"quantity\":-1}]", "properties.products[1].quantity = -1")]
    public void A_bad_amount_is_an_invalid_property_named_in_the_message(string property, string messageFragment)
    {
        var result = Validator().Parse(Utf8(GoodWith("\"price\":12.5,\"quantity\":1", property)));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.InvalidProperty), result.ToString());
        Assert.That(result.Message, Does.Contain(messageFragment).And.Contain("finite non-negative"));
    }

    [Test]
    public void A_huge_number_outside_an_amount_is_kept_as_its_text()
    {
        var result = Validator().Parse(Utf8(GoodWith("\"price\":12.5", "\"score\":1e400")));

        Assert.That(result.Success, Is.True, result.ToString());
        Assert.That(result.Event!.Properties["score"], Is.EqualTo("1e400"));
    }

    [Test]
    public void Typed_events_get_the_same_checks()
    {
        var validator = Validator();
        var at = new DateTimeOffset(2019, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var negative = Ecommerce.ProductAdded("m-1", "u-1", at, new Product("p-1", Price: -3m));
        var junk = SegmentEvent.Track("m-2", "undefined", "A", at);
        var good = Ecommerce.ProductAdded("m-3", "u-1", at, new Product("p-1", Price: 3m));
        var deep = SegmentEvent.Track("m-4", "u-1", "A", at, new Dictionary<string, object?> { ["x"] = Nest(40) });

        Assert.Multiple(() =>
        {
            Assert.That(validator.Check(negative).ReasonCode, Is.EqualTo(IngestReasons.InvalidProperty));
            Assert.That(validator.Check(negative).Raw.IsEmpty, Is.False, "a rejected typed event is written as JSON for its dead letter");
            Assert.That(validator.Check(junk).ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity));
            Assert.That(validator.Check(good).Event, Is.SameAs(good));
            Assert.That(validator.Check(deep).ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(validator.Check(null).ReasonCode, Is.EqualTo(IngestReasons.MissingField));
        });
    }

    private static object Nest(int depth) => depth == 0 ? 1L : new List<object?> { Nest(depth - 1) };
}
