using Personalization.Ingest;
using static Personalization.Tests.IngestChecks.IngestTestKit;

namespace Personalization.Tests.IngestChecks;

/// <summary>The limits of <see cref="ValidationOptions"/> hold exactly at their boundary: the limit is accepted, one more is too large.</summary>
public class EventValidatorLimitTests
{
    [Test]
    public void An_event_of_exactly_32768_bytes_is_accepted_and_one_byte_more_is_too_large()
    {
        var atLimit = Utf8(EventOfSize(32_768));
        var overLimit = Utf8(EventOfSize(32_769));

        var accepted = Validator().Parse(atLimit);
        var rejected = Validator().Parse(overLimit);

        Assert.Multiple(() =>
        {
            Assert.That(atLimit, Has.Length.EqualTo(32_768));
            Assert.That(accepted.Success, Is.True, accepted.ToString());
            Assert.That(rejected.ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(rejected.Message, Does.Contain("32769 bytes").And.Contain("32768"));
        });
    }

    [Test]
    public void The_byte_limit_holds_per_item_of_a_batch()
    {
        var batch = $$"""{"batch":[{{EventOfSize(32_768)}},{{EventOfSize(32_769)}}]}""";

        var results = Validator().ParseBatch(Utf8(batch));

        Assert.That(results.Select(r => r.ReasonCode), Is.EqualTo(new string?[] { null, IngestReasons.TooLarge }));
    }

    [TestCase(8_192, true)]
    [TestCase(8_193, false)]
    public void A_string_of_8192_characters_is_accepted_and_8193_is_too_large(int length, bool accepted)
    {
        var json = GoodWith("\"product_id\":\"p-1\"", $"\"product_id\":\"{new string('é', length)}\"");

        var result = Validator().Parse(Utf8(json));

        Assert.That(result.Success, Is.EqualTo(accepted), result.ToString());
        if (!accepted)
        {
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(result.Message, Does.Contain("8193 characters").And.Contain("MaxStringLength"));
        }
    }

    [TestCase(1_000, true)]
    [TestCase(1_001, false)]
    public void A_thousand_keys_in_properties_and_traits_are_accepted_and_one_more_is_too_large(int keys, bool accepted)
    {
        // Half the keys nested in properties, the rest in traits: they count together, at every level.
        var properties = string.Join(",", Enumerable.Range(0, keys / 2 - 1).Select(i => $"\"k{i}\":{i}"));
        var traits = string.Join(",", Enumerable.Range(0, keys - keys / 2).Select(i => $"\"t{i}\":true"));
        var json = """{"type":"identify","messageId":"m","userId":"u","timestamp":"2019-10-01T00:00:00Z","properties":{"nested":{"""
            + properties + """}},"traits":{""" + traits + "}}";

        var result = Validator().Parse(Utf8(json));

        Assert.That(result.Success, Is.EqualTo(accepted), result.ToString());
        if (!accepted)
        {
            Assert.That(result.Message, Does.Contain("more than 1000 keys").And.Contain("MaxProperties"));
        }
    }

    [TestCase(32, true)]
    [TestCase(33, false)]
    [TestCase(100_000, false)]
    public void Nesting_to_level_32_is_accepted_and_deeper_is_too_large_not_malformed(int level, bool accepted)
    {
        // The event is level 1, properties level 2, so level - 2 more containers below properties.
        var depth = level - 2;
        var json = GoodWith("\"quantity\":1", $"\"quantity\":1,\"deep\":{new string('[', depth)}{new string(']', depth)}");

        var result = Validator(o => o.MaxEventBytes = 1 << 20).Parse(Utf8(json));

        Assert.That(result.Success, Is.EqualTo(accepted), result.ToString());
        if (!accepted)
        {
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(result.Message, Does.Contain("deeper than 32").And.Contain("MaxDepth"));
        }
    }

    [Test]
    public void Deep_nesting_in_a_field_the_engine_does_not_read_is_too_large_as_well()
    {
        var json = GoodWith("\"messageId\"", $"\"integrations\":{{\"a\":{new string('[', 40)}{new string(']', 40)}}},\"messageId\"");

        var result = Validator(o => o.MaxEventBytes = 1 << 20).Parse(Utf8(json));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.TooLarge), result.ToString());
    }

    [Test]
    public void An_id_longer_than_1024_characters_is_too_large()
    {
        var result = Validator().Parse(Utf8(GoodWith("\"u-1\"", $"\"{new string('u', 1025)}\"")));

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
    }

    [Test]
    public void The_limits_follow_the_options()
    {
        var small = Validator(o => o.MaxEventBytes = 1_024);
        var shortStrings = Validator(o => o.MaxStringLength = 256);
        var fewKeys = Validator(o => o.MaxProperties = 2);
        var shallow = Validator(o => o.MaxDepth = 4);

        Assert.Multiple(() =>
        {
            Assert.That(small.Parse(Utf8(EventOfSize(1_025))).ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(shortStrings.Parse(Utf8(GoodWith("p-1", new string('p', 257)))).ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(fewKeys.Parse(Utf8(Good)).ReasonCode, Is.EqualTo(IngestReasons.TooLarge), "three keys in properties");
            Assert.That(shallow.Parse(Utf8(GoodWith("\"price\":12.5,", "\"x\":[[[1]]],"))).ReasonCode, Is.EqualTo(IngestReasons.TooLarge), "level 5");
            Assert.That(shallow.Parse(Utf8(GoodWith("\"price\":12.5,", "\"x\":[[1]],"))).Success, Is.True, "level 4");
        });
    }
}
