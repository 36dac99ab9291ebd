using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Tests.Events;

public class SegmentJsonParseTests
{
    [Test]
    public void A_track_call_is_parsed_with_its_properties()
    {
        var parsed = SegmentJson.Parse("""
            {
              "type": "track",
              "event": "Product Added",
              "messageId": "m-1",
              "userId": "u1",
              "anonymousId": "a1",
              "timestamp": "2026-03-01T13:00:00+01:00",
              "properties": { "product_id": "sku-1", "quantity": 2, "price": 9.99, "gift": true, "tags": ["a", "b"], "nested": { "x": null } },
              "context": { "locale": "de-DE" },
              "unknownField": { "ignored": [1, 2, 3] }
            }
            """);

        Assert.That(parsed.Success, Is.True, parsed.ToString());
        var e = parsed.Event!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Type, Is.EqualTo(SegmentEventType.Track));
            Assert.That(e.Event, Is.EqualTo(EcommerceEvents.ProductAdded));
            Assert.That(e.MessageId, Is.EqualTo("m-1"));
            Assert.That(e.UserId, Is.EqualTo("u1"));
            Assert.That(e.AnonymousId, Is.EqualTo("a1"));
            Assert.That(e.ProfileId, Is.EqualTo("u1"));
            Assert.That(e.Timestamp, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
            Assert.That(e.Timestamp.Offset, Is.EqualTo(TimeSpan.Zero), "timestamps are kept in UTC");
            Assert.That(e.Properties["product_id"], Is.EqualTo("sku-1"));
            Assert.That(e.Properties["quantity"], Is.TypeOf<long>().And.EqualTo(2L));
            Assert.That(e.Properties["price"], Is.TypeOf<double>().And.EqualTo(9.99));
            Assert.That(e.Properties["gift"], Is.EqualTo(true));
            Assert.That(e.Properties["tags"], Is.EqualTo(new object[] { "a", "b" }));
            Assert.That(e.Properties["nested"], Is.InstanceOf<IReadOnlyDictionary<string, object?>>());
            Assert.That(((IReadOnlyDictionary<string, object?>)e.Properties["nested"]!)["x"], Is.Null);
            Assert.That(e.Context["locale"], Is.EqualTo("de-DE"));
            Assert.That(e.Traits, Is.Empty);
        });
    }

    [Test]
    public void An_identify_call_is_parsed_with_its_traits()
    {
        var parsed = SegmentJson.Parse("""
            {"type":"identify","messageId":"m-2","userId":12345,"anonymousId":"a1","timestamp":"2026-03-01T12:00:00Z",
             "traits":{"email":"ann@example.com","age":41,"plan":"pro"}}
            """);

        Assert.That(parsed.Success, Is.True, parsed.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Event!.Type, Is.EqualTo(SegmentEventType.Identify));
            Assert.That(parsed.Event.UserId, Is.EqualTo("12345"), "numeric ids are kept as their text");
            Assert.That(parsed.Event.Traits["email"], Is.EqualTo("ann@example.com"));
            Assert.That(parsed.Event.Traits["age"], Is.EqualTo(41L));
        });
    }

    [Test]
    public void A_page_call_is_parsed_with_its_name()
    {
        var parsed = SegmentJson.Parse("""
            {"type":"PAGE","name":"Pricing","messageId":"m-3","anonymousId":"a9","timestamp":"2026-03-01T12:00:00.123Z",
             "properties":{"url":"https://example.com/pricing"}}
            """);

        Assert.That(parsed.Success, Is.True, parsed.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Event!.Type, Is.EqualTo(SegmentEventType.Page));
            Assert.That(parsed.Event.Name, Is.EqualTo("Pricing"));
            Assert.That(parsed.Event.ProfileId, Is.EqualTo("a9"));
            Assert.That(parsed.Event.Timestamp, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero)));
            Assert.That(parsed.Event.Properties["url"], Is.EqualTo("https://example.com/pricing"));
        });
    }

    [TestCase("screen", SegmentEventType.Screen)]
    [TestCase("group", SegmentEventType.Group)]
    [TestCase("alias", SegmentEventType.Alias)]
    public void Every_segment_call_type_is_understood(string type, SegmentEventType expected)
    {
        var parsed = SegmentJson.Parse($$"""{"type":"{{type}}","messageId":"m","userId":"u","previousId":"p","timestamp":"2026-03-01T12:00:00Z"}""");

        Assert.That(parsed.Event?.Type, Is.EqualTo(expected), parsed.ToString());
    }

    [TestCase("2026-03-01T12:00:00Z", "2026-03-01T12:00:00+00:00")]
    [TestCase("2026-03-01T13:30:00+01:30", "2026-03-01T12:00:00+00:00")]
    [TestCase("2026-03-01T07:00:00.250-05:00", "2026-03-01T12:00:00.250+00:00")]
    [TestCase("2026-03-01T12:00:00", "2026-03-01T12:00:00+00:00")]
    [TestCase("2026-03-01T12:00:00.5", "2026-03-01T12:00:00.500+00:00")]
    [TestCase("2026-03-01", "2026-03-01T00:00:00+00:00")]
    [TestCase("2026-03-01 12:00:00", "2026-03-01T12:00:00+00:00")]
    [TestCase("2026-03-01T12:00:00\u002B00:00", "2026-03-01T12:00:00+00:00")]
    public void Timestamps_are_read_as_utc_and_those_without_an_offset_are_taken_as_utc(string timestamp, string expected)
    {
        var parsed = SegmentJson.Parse($$"""{"type":"page","messageId":"m","userId":"u","timestamp":"{{timestamp}}"}""");

        Assert.That(parsed.Success, Is.True, parsed.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Event!.Timestamp, Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(parsed.Event.Timestamp.Offset, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    [NonParallelizable]
    public void Timestamps_without_an_offset_are_utc_whatever_the_hosts_time_zone()
    {
        var previous = Environment.GetEnvironmentVariable("TZ");
        Environment.SetEnvironmentVariable("TZ", "America/New_York");
        TimeZoneInfo.ClearCachedData();
        try
        {
            Assume.That(TimeZoneInfo.Local.GetUtcOffset(new DateTime(2026, 3, 1)), Is.Not.EqualTo(TimeSpan.Zero), "this host cannot switch time zones");

            var parsed = SegmentJson.Parse("""{"type":"page","messageId":"m","userId":"u","timestamp":"2026-03-01T12:00:00"}""");

            Assert.That(parsed.Event?.Timestamp, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TZ", previous);
            TimeZoneInfo.ClearCachedData();
        }
    }

    [TestCase("""{"type":"track","event":"A","userId":"u","timestamp":"2026-03-01T12:00:00Z"}""", IngestReasons.MissingField, "messageId", TestName = "Missing messageId")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","timestamp":"2026-03-01T12:00:00Z"}""", IngestReasons.MissingField, "neither userId nor anonymousId", TestName = "Missing userId and anonymousId")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"","anonymousId":null,"timestamp":"2026-03-01T12:00:00Z"}""", IngestReasons.JunkIdentity, "empty userId or anonymousId and no other id", TestName = "Empty userId and null anonymousId")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u"}""", IngestReasons.MissingField, "no timestamp", TestName = "Missing timestamp")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":null}""", IngestReasons.MissingField, "no timestamp", TestName = "Null timestamp")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"last tuesday"}""", IngestReasons.InvalidTimestamp, "last tuesday", TestName = "Bad timestamp")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":1700000000}""", IngestReasons.InvalidTimestamp, "ISO-8601", TestName = "Numeric timestamp")]
    [TestCase("""{"type":"purchase","event":"A","messageId":"m","userId":"u","timestamp":"2026-03-01T12:00:00Z"}""", IngestReasons.InvalidType, "purchase", TestName = "Bad type")]
    [TestCase("""{"event":"A","messageId":"m","userId":"u","timestamp":"2026-03-01T12:00:00Z"}""", IngestReasons.MissingField, "no type", TestName = "Missing type")]
    [TestCase("""{"type":"track","messageId":"m","userId":"u","timestamp":"2026-03-01T12:00:00Z"}""", IngestReasons.MissingField, "no event name", TestName = "Track without event")]
    [TestCase("""{"type":"track","event":"A","messageId":"m","userId":"u","timestamp":"2026-03-01T12:00:00Z" """, IngestReasons.Malformed, "not valid JSON", TestName = "Cut off JSON")]
    [TestCase("""{"type":"track"} {"type":"track"}""", IngestReasons.Malformed, "", TestName = "Two objects")]
    [TestCase("""[{"type":"track"}]""", IngestReasons.Malformed, "not a JSON object", TestName = "Array instead of object")]
    [TestCase("42", IngestReasons.Malformed, "not a JSON object", TestName = "Number instead of object")]
    [TestCase("", IngestReasons.Malformed, "", TestName = "Empty payload")]
    public void Invalid_events_are_rejected_with_the_right_reason(string json, string reason, string messageFragment)
    {
        var parsed = SegmentJson.Parse(json);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Success, Is.False);
            Assert.That(parsed.ReasonCode, Is.EqualTo(reason), parsed.ToString());
            Assert.That(parsed.Message, Does.Contain(messageFragment));
        });
    }

    [Test]
    public void An_id_longer_than_1024_characters_is_too_large()
    {
        var parsed = SegmentJson.Parse($$"""{"type":"track","event":"A","messageId":"m","userId":"{{new string('u', 1025)}}","timestamp":"2026-03-01T12:00:00Z"}""");

        Assert.That(parsed.ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
    }

    [Test]
    public void Invalid_utf8_is_malformed_not_an_exception()
    {
        // {"messageId":"<C3 28>"}: a truncated two-byte sequence inside a value the parser reads.
        var parsed = SegmentJson.Parse([.. "{\"messageId\":\""u8, 0xC3, 0x28, .. "\"}"u8]);

        Assert.That(parsed.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
    }

    [Test]
    public void A_batch_with_one_good_and_one_bad_item_gives_per_item_results()
    {
        var results = SegmentJson.ParseBatch("""
            {"sentAt":"2026-03-01T12:00:05Z","batch":[
              {"type":"track","event":"A","messageId":"m-1","userId":"u","timestamp":"2026-03-01T12:00:00Z"},
              {"type":"track","event":"A","messageId":"m-2","userId":"u"}
            ]}
            """u8);

        Assert.That(results, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(results[0].Success, Is.True, results[0].ToString());
            Assert.That(results[0].Event?.MessageId, Is.EqualTo("m-1"));
            Assert.That(results[1].Success, Is.False);
            Assert.That(results[1].ReasonCode, Is.EqualTo(IngestReasons.MissingField));
            Assert.That(results[1].Message, Does.Contain("m-2"));
        });
    }

    [Test]
    public void A_batch_item_that_is_not_an_object_is_malformed_and_the_rest_still_parse()
    {
        var results = SegmentJson.ParseBatch("""
            {"batch":[ "oops", [1,2], {"type":"page","messageId":"m-3","userId":"u","timestamp":"2026-03-01T12:00:00Z"} ]}
            """u8);

        Assert.That(results.Select(r => r.ReasonCode), Is.EqualTo(new string?[] { IngestReasons.Malformed, IngestReasons.Malformed, null }));
    }

    [Test]
    public void Parse_batch_of_a_single_event_gives_one_result()
    {
        var results = SegmentJson.ParseBatch("""{"type":"page","messageId":"m-3","userId":"u","timestamp":"2026-03-01T12:00:00Z"}"""u8);

        Assert.That(results.Single().Event?.MessageId, Is.EqualTo("m-3"));
    }

    [Test]
    public void An_empty_batch_gives_no_results()
    {
        Assert.That(SegmentJson.ParseBatch("""{"batch":[]}"""u8), Is.Empty);
    }

    [TestCase("[]")]
    [TestCase("\"text\"")]
    [TestCase("{\"batch\": [")]
    public void A_batch_payload_that_is_not_a_json_object_gives_one_malformed_result(string json)
    {
        var results = SegmentJson.ParseBatch(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.That(results.Single().ReasonCode, Is.EqualTo(IngestReasons.Malformed));
    }

    [Test]
    public void Serialize_then_parse_gives_back_the_same_event()
    {
        var sent = new SegmentEvent
        {
            MessageId = "m-9",
            Type = SegmentEventType.Track,
            UserId = "u1",
            AnonymousId = "a1",
            Event = EcommerceEvents.OrderCompleted,
            Timestamp = new DateTimeOffset(2026, 3, 1, 12, 0, 0, 250, TimeSpan.Zero),
            Properties = new Dictionary<string, object?>
            {
                ["revenue"] = 42.5,
                ["products"] = new List<object?> { new Dictionary<string, object?> { ["product_id"] = "p1", ["quantity"] = 2L } },
            },
            Context = new Dictionary<string, object?> { ["ip"] = "127.0.0.1" },
        };

        var parsed = SegmentJson.Parse(SegmentJson.Serialize(sent));

        Assert.That(parsed.Success, Is.True, parsed.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Event!.ToString(), Is.EqualTo(sent.ToString()));
            Assert.That(parsed.Event.AnonymousId, Is.EqualTo("a1"));
            Assert.That(parsed.Event.Properties["revenue"], Is.EqualTo(42.5));
            Assert.That(parsed.Event.Properties["products"], Is.EqualTo(sent.Properties["products"]));
            Assert.That(parsed.Event.Context["ip"], Is.EqualTo("127.0.0.1"));
        });
    }
}
