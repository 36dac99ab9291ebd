using Personalization.Collect;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Tests.Collect;

public class EcommerceCsvReaderTests
{
    private const string ViewRow = "2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c";

    private static List<ReplayRecord> Read(string text)
    {
        using var reader = new StringReader(text);
        return EcommerceCsvReader.Read(reader).ToList();
    }

    private static SegmentEvent ParseOk(string row)
    {
        var result = EcommerceCsvReader.ParseRow(row, 2);
        Assert.That(result.Success, Is.True, result.ToString());
        return result.Event!;
    }

    [TestCase("view", EcommerceEvents.ProductViewed)]
    [TestCase("cart", EcommerceEvents.ProductAdded)]
    [TestCase("remove_from_cart", EcommerceEvents.ProductRemoved)]
    [TestCase("purchase", EcommerceEvents.OrderCompleted)]
    public void Each_event_type_maps_to_its_Segment_ecommerce_event(string eventType, string expected)
    {
        var @event = ParseOk($"2019-10-01 00:00:05 UTC,{eventType},1004237,2053013555631882655,electronics.smartphone,apple,1081.98,535871217,c6bd7419-2748-4c56-95b4-8cec9ff8b80d");

        Assert.Multiple(() =>
        {
            Assert.That(@event.Type, Is.EqualTo(SegmentEventType.Track));
            Assert.That(@event.Event, Is.EqualTo(expected));
            Assert.That(@event.UserId, Is.EqualTo("535871217"));
            Assert.That(@event.AnonymousId, Is.Null);
            Assert.That(@event.Timestamp, Is.EqualTo(new DateTimeOffset(2019, 10, 1, 0, 0, 5, TimeSpan.Zero)));
            Assert.That(@event.Properties["product_id"], Is.EqualTo("1004237"));
            Assert.That(@event.Properties["category_id"], Is.EqualTo("2053013555631882655"));
            Assert.That(@event.Properties["category"], Is.EqualTo("electronics.smartphone"));
            Assert.That(@event.Properties["brand"], Is.EqualTo("apple"));
            Assert.That(@event.Properties["price"], Is.EqualTo(1081.98));
            Assert.That(@event.Properties["quantity"], Is.EqualTo(1L));
            Assert.That(@event.Context["session_id"], Is.EqualTo("c6bd7419-2748-4c56-95b4-8cec9ff8b80d"));
        });
    }

    [Test]
    public void A_purchase_is_an_order_of_the_one_product_with_the_price_as_revenue()
    {
        var @event = ParseOk("2019-10-01 00:02:14 UTC,purchase,1004856,2053013555631882655,electronics.smartphone,samsung,130.76,543272936,8187d148-3c41-46d4-b0c0-9c08cd9dc564");

        var products = (IReadOnlyList<object?>)@event.Properties["products"]!;
        var product = (IReadOnlyDictionary<string, object?>)products[0]!;
        Assert.Multiple(() =>
        {
            Assert.That(@event.Properties["revenue"], Is.EqualTo(130.76));
            Assert.That(products, Has.Count.EqualTo(1));
            Assert.That(product["product_id"], Is.EqualTo("1004856"));
            Assert.That(product["price"], Is.EqualTo(130.76));
            Assert.That(product["quantity"], Is.EqualTo(1L));
            Assert.That(product["brand"], Is.EqualTo("samsung"));
        });
    }

    [Test]
    public void Empty_brand_and_category_code_are_left_out_of_the_properties()
    {
        var @event = ParseOk("2019-10-01 00:00:17 UTC,view,23100006,2053013561638126333,,,357.79,513642368,17566c27-0a8f-4506-9f30-c6a2ccbf583b");

        Assert.Multiple(() =>
        {
            Assert.That(@event.Properties.ContainsKey("brand"), Is.False);
            Assert.That(@event.Properties.ContainsKey("category"), Is.False);
            Assert.That(@event.Properties["category_id"], Is.EqualTo("2053013561638126333"));
            Assert.That(@event.Properties["price"], Is.EqualTo(357.79));
        });
    }

    [Test]
    public void Identical_rows_get_the_same_messageId_and_different_rows_different_ones()
    {
        var first = ParseOk(ViewRow);
        var again = ParseOk(ViewRow);
        var other = ParseOk(ViewRow.Replace("00:00:00", "00:00:15", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(first.MessageId, Has.Length.EqualTo(32));
            Assert.That(again.MessageId, Is.EqualTo(first.MessageId));
            Assert.That(other.MessageId, Is.Not.EqualTo(first.MessageId));
        });
    }

    [Test]
    public void The_header_is_skipped_and_line_numbers_count_it()
    {
        var records = Read(EcommerceCsvReader.Header + "\r\n" + ViewRow + "\r\n" + ViewRow + "\r\n");

        Assert.That(records.Select(r => r.LineNumber), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(records.Select(r => r.Raw), Is.All.EqualTo(ViewRow));
        Assert.That(records.Select(r => r.Result.Success), Is.All.True);
    }

    [Test]
    public void A_cut_off_last_row_without_a_newline_is_rejected_as_malformed_with_its_line()
    {
        var records = Read(EcommerceCsvReader.Header + "\n" + ViewRow + "\n" + "2019-10-01 02:50:07 UTC,view,2900090,2053013554776244595,appliances.kitchen.mixer,elenberg,25.71,52040330");

        Assert.That(records, Has.Count.EqualTo(2));
        var cut = records[1].Result;
        Assert.Multiple(() =>
        {
            Assert.That(records[0].Result.Success, Is.True);
            Assert.That(cut.Success, Is.False);
            Assert.That(cut.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(cut.Message, Does.StartWith("Line 3:"));
            Assert.That(cut.Message, Does.Contain("expected 9 fields").And.Contain("found 8"));
        });
    }

    [TestCase("abc")]
    [TestCase("")]
    [TestCase("-1")]
    [TestCase("NaN")]
    public void A_bad_price_is_rejected_as_malformed_and_named(string price)
    {
        var result = EcommerceCsvReader.ParseRow(ViewRow.Replace("35.79", price, StringComparison.Ordinal), 7);

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(result.Message, Is.EqualTo($"Line 7: price '{price}' is not a non-negative number."));
        });
    }

    [TestCase("2019-13-01 00:00:00 UTC")]
    [TestCase("2019-02-30 00:00:00 UTC")]
    [TestCase("yesterday")]
    [TestCase("")]
    public void A_bad_event_time_is_rejected_as_an_invalid_timestamp(string time)
    {
        var result = EcommerceCsvReader.ParseRow(ViewRow.Replace("2019-10-01 00:00:00 UTC", time, StringComparison.Ordinal), 12);

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.InvalidTimestamp));
            Assert.That(result.Message, Does.StartWith("Line 12: event_time '" + time + "'"));
        });
    }

    [Test]
    public void An_ISO_8601_event_time_is_read_as_well()
    {
        var @event = ParseOk(ViewRow.Replace("2019-10-01 00:00:00 UTC", "2019-10-01T01:02:03Z", StringComparison.Ordinal));

        Assert.That(@event.Timestamp, Is.EqualTo(new DateTimeOffset(2019, 10, 1, 1, 2, 3, TimeSpan.Zero)));
    }

    [Test]
    public void An_unknown_event_type_is_rejected_as_malformed()
    {
        var result = EcommerceCsvReader.ParseRow(ViewRow.Replace(",view,", ",wishlist,", StringComparison.Ordinal), 4);

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
        Assert.That(result.Message, Does.StartWith("Line 4: event_type 'wishlist'"));
    }

    [Test]
    public void An_empty_user_id_is_rejected_as_malformed()
    {
        var result = EcommerceCsvReader.ParseRow(ViewRow.Replace("541312140", string.Empty, StringComparison.Ordinal), 9);

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
        Assert.That(result.Message, Is.EqualTo("Line 9: user_id is empty."));
    }

    [Test]
    public void Too_many_fields_are_rejected_as_malformed_with_the_count()
    {
        var result = EcommerceCsvReader.ParseRow(ViewRow + ",extra,more", 5);

        Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
        Assert.That(result.Message, Does.Contain("found 11"));
    }

    [Test]
    public void A_quoted_field_may_hold_a_comma()
    {
        var @event = ParseOk("2019-10-01 00:00:00 UTC,view,1,2,\"kids.toys, outdoor\",\"a \"\"b\"\"\",5.00,42,s");

        Assert.Multiple(() =>
        {
            Assert.That(@event.Properties["category"], Is.EqualTo("kids.toys, outdoor"));
            Assert.That(@event.Properties["brand"], Is.EqualTo("a \"b\""));
            Assert.That(@event.Properties["price"], Is.EqualTo(5.0));
        });
    }

    [Test]
    public void A_different_header_is_reported_and_the_rows_still_read()
    {
        var records = Read("event_time,event_type,price\n" + ViewRow);

        Assert.That(records, Has.Count.EqualTo(2));
        Assert.That(records[0].Result.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
        Assert.That(records[0].Result.Message, Does.StartWith("Line 1: the header"));
        Assert.That(records[1].Result.Success, Is.True);
    }

    [Test]
    public void Reading_a_stream_is_lazy_and_leaves_the_stream_open()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("\uFEFF" + EcommerceCsvReader.Header + "\n" + ViewRow));

        using (var records = EcommerceCsvReader.Read(stream).GetEnumerator())
        {
            Assert.That(records.MoveNext(), Is.True);
            Assert.That(records.Current.Result.Success, Is.True);
            Assert.That(records.MoveNext(), Is.False);
        }

        Assert.That(stream.CanRead, Is.True);
    }
}
