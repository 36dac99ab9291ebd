using Personalization.Ingest;
using static Personalization.Tests.IngestChecks.IngestTestKit;

namespace Personalization.Tests.IngestChecks;

/// <summary>One hand-made event per reason code: each is rejected with that code and a message that says what to fix.</summary>
public class EventValidatorReasonTests
{
    private const string T = "2019-10-01T00:00:00Z";

    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"2019-10-01T00:00:00Z" """, IngestReasons.Malformed, "not valid JSON", TestName = "malformed: cut off")]
    [TestCase("hello", IngestReasons.Malformed, "not valid JSON", TestName = "malformed: not JSON")]
    [TestCase("""["track"]""", IngestReasons.Malformed, "not a JSON object", TestName = "malformed: an array")]
    [TestCase("""{"type":"track"} x""", IngestReasons.Malformed, "JSON", TestName = "malformed: data after the object")]
    [TestCase("""{"type":"track","event":"A","userId":"u","timestamp":"2019-10-01T00:00:00Z"}""", IngestReasons.MissingField, "no messageId", TestName = "missing_field: messageId")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","timestamp":"2019-10-01T00:00:00Z"}""", IngestReasons.MissingField, "neither userId nor anonymousId", TestName = "missing_field: ids")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u"}""", IngestReasons.MissingField, "no timestamp", TestName = "missing_field: timestamp")]
    [TestCase("""{"type":"track","messageId":"m","userId":"u","timestamp":"2019-10-01T00:00:00Z"}""", IngestReasons.MissingField, "no event name", TestName = "missing_field: track event")]
    [TestCase("""{"type":"track","event":"","messageId":"m","userId":"u","timestamp":"2019-10-01T00:00:00Z"}""", IngestReasons.MissingField, "no event name", TestName = "missing_field: empty track event")]
    [TestCase("""{"type":"purchase","event":"A","messageId":"m","userId":"u","timestamp":"2019-10-01T00:00:00Z"}""", IngestReasons.InvalidType, "'purchase'; expected track", TestName = "invalid_type")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"01/10/2019"}""", IngestReasons.InvalidTimestamp, "not ISO-8601", TestName = "invalid_timestamp")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"2999-01-01T00:00:00Z"}""", IngestReasons.FutureTimestamp, "MaxFutureSkew", TestName = "future_timestamp")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"2019-10-01T00:00:00Z","properties":{"price":-1}}""", IngestReasons.InvalidProperty, "properties.price = -1", TestName = "invalid_property")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"undefined","timestamp":"2019-10-01T00:00:00Z"}""", IngestReasons.JunkIdentity, "userId \"undefined\"", TestName = "junk_identity")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"2019-10-01T00:00:00Z","context":{"schema_version":2}}""", IngestReasons.UnsupportedSchemaVersion, "newer than this engine's 1", TestName = "unsupported_schema_version")]
    public void Each_reason_code_has_an_event_that_gets_it(string json, string reason, string messageFragment)
    {
        var result = Validator().Parse(Utf8(json));

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.ReasonCode, Is.EqualTo(reason), result.ToString());
            Assert.That(result.Message, Does.Contain(messageFragment));
            Assert.That(result.Raw.ToArray(), Is.EqualTo(Utf8(json)), "the dead letter keeps the event as it came");
        });
    }

    [Test]
    public void Too_large_and_schema_violation_say_which_limit_or_rule_was_broken()
    {
        var validator = Validator(o => o.AddSchema("A", """{"type":"object","required":["product_id"]}"""));

        var tooLarge = validator.Parse(Utf8(EventOfSize(40_000)));
        var violation = validator.Parse(Utf8($$"""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"{{T}}"}"""));

        Assert.Multiple(() =>
        {
            Assert.That(tooLarge.ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(tooLarge.Message, Does.Contain("40000 bytes").And.Contain("MaxEventBytes"));
            Assert.That(violation.ReasonCode, Is.EqualTo(IngestReasons.SchemaViolation));
            Assert.That(violation.Message, Does.Contain("'A'").And.Contain("product_id"));
        });
    }

    [Test]
    public void Invalid_utf8_is_malformed_and_its_raw_bytes_are_kept()
    {
        byte[] payload = [.. "{\"type\":\"track\",\"event\":\"A\",\"messageId\":\"m\",\"userId\":\""u8, 0xC3, 0x28, .. "\",\"timestamp\":\"2019-10-01T00:00:00Z\"}"u8];

        var result = Validator().Parse(payload);

        Assert.Multiple(() =>
        {
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(result.Message, Does.Contain("UTF-8"));
            Assert.That(result.Raw.ToArray(), Is.EqualTo(payload));
        });
    }

    [Test]
    public void An_accepted_event_carries_no_raw_copy_and_no_flag()
    {
        var result = Validator().Parse(Utf8(Good));

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.True, result.ToString());
            Assert.That(result.Raw.IsEmpty, Is.True);
            Assert.That(result.IsFlagged, Is.False);
        });
    }

    [Test]
    public void A_batch_item_is_rejected_on_its_own_with_its_own_json_as_raw()
    {
        var bad = """{"type":"track","event":"A","messageId":"m-2","userId":"null","timestamp":"2019-10-01T00:00:00Z"}""";
        var batch = $$"""{"batch":[{{Good}}, {{bad}}, 7]}""";

        var results = Validator().ParseBatch(Utf8(batch));

        Assert.That(results, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(results[0].Success, Is.True, results[0].ToString());
            Assert.That(results[1].ReasonCode, Is.EqualTo(IngestReasons.JunkIdentity));
            Assert.That(results[1].MessageId, Is.EqualTo("m-2"));
            Assert.That(results[1].Raw.ToArray(), Is.EqualTo(Utf8(bad)));
            Assert.That(results[2].ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(results[2].Raw.ToArray(), Is.EqualTo(Utf8("7")));
        });
    }

    [Test]
    public void A_cut_off_batch_is_one_malformed_result_with_the_whole_payload()
    {
        var batch = $$"""{"batch":[{{Good}}, {{Good}}""";

        var results = Validator().ParseBatch(Utf8(batch));

        Assert.That(results, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(results[0].ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(results[0].Raw.ToArray(), Is.EqualTo(Utf8(batch)));
        });
    }
}
