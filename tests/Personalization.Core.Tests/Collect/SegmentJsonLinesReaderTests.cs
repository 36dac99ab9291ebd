using Personalization.Collect;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Tests.Collect;

public class SegmentJsonLinesReaderTests
{
    private const string Track = """{"type":"track","messageId":"m-1","userId":"u-1","event":"Product Added","timestamp":"2025-11-03T10:00:00Z","properties":{"product_id":"p-1","price":9.5}}""";
    private const string Identify = """{"type":"identify","messageId":"m-2","userId":"u-1","anonymousId":"a-1","timestamp":"2025-11-03T10:01:00Z","traits":{"email":"u1@example.com"}}""";

    private static List<ReplayRecord> Read(string text)
    {
        using var reader = new StringReader(text);
        return SegmentJsonLinesReader.Read(reader).ToList();
    }

    [Test]
    public void Each_line_is_one_event_in_order_with_its_line_number()
    {
        var records = Read(Track + "\n" + Identify + "\n");

        Assert.That(records, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(records[0].LineNumber, Is.EqualTo(1));
            Assert.That(records[0].Result.Event!.Event, Is.EqualTo(EcommerceEvents.ProductAdded));
            Assert.That(records[0].Result.Event!.Properties["price"], Is.EqualTo(9.5));
            Assert.That(records[0].Raw, Is.EqualTo(Track));
            Assert.That(records[1].LineNumber, Is.EqualTo(2));
            Assert.That(records[1].Result.Event!.Type, Is.EqualTo(SegmentEventType.Identify));
            Assert.That(records[1].Result.Event!.Traits["email"], Is.EqualTo("u1@example.com"));
        });
    }

    [Test]
    public void Blank_lines_are_skipped_but_counted_in_line_numbers()
    {
        var records = Read("\n" + Track + "\r\n   \r\n\r\n" + Identify);

        Assert.That(records.Select(r => r.LineNumber), Is.EqualTo(new long[] { 2, 5 }));
    }

    [Test]
    public void A_bad_line_is_rejected_with_its_line_number_and_reading_goes_on()
    {
        var records = Read(Track + "\n{\"type\":\"track\",\"messageId\":\"m-3\",\n" + """{"type":"track","messageId":"m-4","userId":"u-1","timestamp":"soon","event":"x"}""" + "\n" + Identify);

        Assert.That(records, Has.Count.EqualTo(4));
        Assert.Multiple(() =>
        {
            Assert.That(records[0].Result.Success, Is.True);
            Assert.That(records[1].Result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(records[1].Result.Message, Does.StartWith("Line 2: "));
            Assert.That(records[2].Result.ReasonCode, Is.EqualTo(IngestReasons.InvalidTimestamp));
            Assert.That(records[2].Result.Message, Does.StartWith("Line 3: "));
            Assert.That(records[3].Result.Success, Is.True);
        });
    }

    [Test]
    public void A_last_line_cut_off_without_a_newline_is_rejected_as_malformed()
    {
        var records = Read(Track + "\n" + Identify[..40]);

        Assert.That(records, Has.Count.EqualTo(2));
        Assert.That(records[1].Result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
        Assert.That(records[1].Result.Message, Does.StartWith("Line 2: "));
    }

    [Test]
    public void A_line_that_is_not_an_object_is_rejected_as_malformed()
    {
        var records = Read("[1,2,3]\n\"text\"\n" + Track);

        Assert.That(records.Select(r => r.Result.ReasonCode), Is.EqualTo(new string?[] { IngestReasons.Malformed, IngestReasons.Malformed, null }));
    }

    [Test]
    public void Reading_a_stream_with_a_byte_order_mark_works_and_leaves_the_stream_open()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(Track + "\n")).ToArray());

        var records = SegmentJsonLinesReader.Read(stream).ToList();

        Assert.That(records, Has.Count.EqualTo(1));
        Assert.That(records[0].Result.Success, Is.True);
        Assert.That(stream.CanRead, Is.True);
    }

    [Test]
    public void Events_written_by_SegmentJson_read_back_the_same()
    {
        var original = SegmentEvent.Track("m-9", "u-9", EcommerceEvents.OrderCompleted, new DateTimeOffset(2025, 11, 3, 12, 0, 0, TimeSpan.Zero),
            new Dictionary<string, object?> { ["revenue"] = 42.5, ["order_id"] = "o-1" });

        var records = Read(SegmentJson.Serialize(original) + "\n");

        var read = records.Single().Result.Event!;
        Assert.Multiple(() =>
        {
            Assert.That(read.MessageId, Is.EqualTo("m-9"));
            Assert.That(read.Timestamp, Is.EqualTo(original.Timestamp));
            Assert.That(read.Properties["revenue"], Is.EqualTo(42.5));
        });
    }
}
