using Personalization.Events;
using Personalization.Ingest;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class IngestValidationTests
{
    private const string GoodJson =
        """{"type":"track","event":"Product Viewed","messageId":"good-1","userId":"u1","timestamp":"2026-03-01T12:00:00Z"}""";

    [Test]
    public async Task Bad_json_is_rejected_and_good_events_around_it_are_applied()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        var good = await pipeline.IngestAsync(TestEvents.Utf8(GoodJson));
        var malformed = await pipeline.IngestAsync(TestEvents.Utf8("""{"type":"track","""));
        byte[] invalidUtf8 = [.. "{\"type\":\"track\",\"messageId\":\""u8, 0xFF, 0xFE, .. "\"}"u8];
        var notUtf8 = await pipeline.IngestAsync(invalidUtf8);
        var noUser = await pipeline.IngestAsync(TestEvents.Utf8(
            """{"type":"track","event":"Clicked","messageId":"bad-2","timestamp":"2026-03-01T12:00:00Z"}"""));
        var goodAgain = await pipeline.IngestAsync(TestEvents.Utf8(GoodJson.Replace("good-1", "good-2", StringComparison.Ordinal)));
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(good.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(good.MessageId, Is.EqualTo("good-1"));
            Assert.That(malformed.Status, Is.EqualTo(IngestStatus.Rejected));
            Assert.That(malformed.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(malformed.Message, Is.Not.Empty);
            Assert.That(notUtf8.ReasonCode, Is.EqualTo(IngestReasons.Malformed));
            Assert.That(noUser.ReasonCode, Is.EqualTo(IngestReasons.MissingField));
            Assert.That(noUser.Message, Does.Contain("bad-2").And.Contain("userId"));
            Assert.That(goodAgain.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(profile!.EventCount, Is.EqualTo(2));
            Assert.That(profile.EventCounts[EcommerceEvents.ProductViewed], Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_json_batch_gives_one_result_per_item_in_order()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        var batch = $$"""
            {"batch": [
              {{GoodJson}},
              {"type":"track","event":"Clicked","messageId":"b-2","userId":"u1","timestamp":"yesterday"},
              42,
              {"type":"page","name":"Home","messageId":"b-4","userId":"u1","timestamp":"2026-03-01T12:00:01Z"},
              {{GoodJson}}
            ]}
            """;

        var results = await pipeline.IngestBatchAsync(TestEvents.Utf8(batch));
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync("u1");
        Assert.That(results.Select(r => (r.Status, r.ReasonCode)), Is.EqualTo(new (IngestStatus, string?)[]
        {
            (IngestStatus.Accepted, null),
            (IngestStatus.Rejected, IngestReasons.InvalidTimestamp),
            (IngestStatus.Rejected, IngestReasons.Malformed),
            (IngestStatus.Accepted, null),
            (IngestStatus.Duplicate, null),
        }));
        Assert.Multiple(() =>
        {
            Assert.That(results[0].MessageId, Is.EqualTo("good-1"));
            Assert.That(results[3].MessageId, Is.EqualTo("b-4"));
            Assert.That(profile!.EventCount, Is.EqualTo(2));
            Assert.That(profile.PageViews, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_json_batch_that_is_not_json_gives_one_malformed_result()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        var results = await pipeline.IngestBatchAsync(TestEvents.Utf8("""{"batch": [ {"type": """));

        Assert.That(results, Has.Count.EqualTo(1));
        Assert.That(results[0].ReasonCode, Is.EqualTo(IngestReasons.Malformed));
    }

    [Test]
    public async Task Invalid_event_objects_are_rejected_with_reasons_and_valid_ones_in_the_same_batch_are_applied()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        SegmentEvent[] batch =
        [
            TestEvents.Track("u1", "Clicked", TestEvents.At(0)),
            null!,
            new SegmentEvent { MessageId = "", Type = SegmentEventType.Track, UserId = "u1", Event = "Clicked", Timestamp = TestEvents.T0 },
            new SegmentEvent { MessageId = "no-user", Type = SegmentEventType.Track, Event = "Clicked", Timestamp = TestEvents.T0 },
            new SegmentEvent { MessageId = "no-time", Type = SegmentEventType.Track, UserId = "u1", Event = "Clicked" },
            new SegmentEvent { MessageId = "no-name", Type = SegmentEventType.Track, UserId = "u1", Timestamp = TestEvents.T0 },
            new SegmentEvent { MessageId = "bad-type", Type = (SegmentEventType)42, UserId = "u1", Timestamp = TestEvents.T0 },
            TestEvents.Track(new string('u', 1025), "Clicked", TestEvents.At(0)),
            TestEvents.Track("u1", "Clicked", TestEvents.At(1)),
        ];

        var results = await pipeline.IngestBatchAsync(batch);
        await pipeline.FlushAsync();

        Assert.That(results.Select(r => r.ReasonCode), Is.EqualTo(new string?[]
        {
            null,
            IngestReasons.MissingField,
            IngestReasons.MissingField,
            IngestReasons.MissingField,
            IngestReasons.MissingField,
            IngestReasons.MissingField,
            IngestReasons.InvalidType,
            IngestReasons.TooLarge,
            null,
        }));
        var profile = await pipeline.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(results[3].Message, Does.Contain("no-user"));
            Assert.That(results[4].Message, Does.Contain("timestamp"));
            Assert.That(results[5].Message, Does.Contain("event name"));
            Assert.That(profile!.EventCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_null_event_is_an_argument_error()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        Assert.That(async () => await pipeline.IngestAsync((SegmentEvent)null!), Throws.ArgumentNullException);
        Assert.That(async () => await pipeline.IngestBatchAsync((IReadOnlyList<SegmentEvent>)null!), Throws.ArgumentNullException);
    }

    [Test]
    public async Task An_empty_batch_gives_no_results()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        var fromObjects = await pipeline.IngestBatchAsync([]).AsTask().WaitAsync(TestPipelines.Timeout);
        var fromJson = await pipeline.IngestBatchAsync(TestEvents.Utf8("""{"batch":[]}""")).AsTask().WaitAsync(TestPipelines.Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(fromObjects, Is.Empty);
            Assert.That(fromJson, Is.Empty);
        });
    }

    [Test]
    public async Task A_batch_far_larger_than_the_queues_is_taken_whole_in_wait_mode()
    {
        using var directory = new TempDirectory();
        var options = TestPipelines.Options(directory.Path, shardCount: 2);
        options.ChannelCapacity = 16;
        await using var pipeline = await TestPipelines.StartAsync(options);
        var batch = Enumerable.Range(0, 5000).Select(i => TestEvents.Track("user-" + (i % 10), "Clicked", TestEvents.At(i))).ToArray();

        var results = await pipeline.IngestBatchAsync(batch).AsTask().WaitAsync(TestPipelines.Timeout);
        await pipeline.FlushAsync();

        var profiles = await PipelineLifecycleTests.ScanAllAsync(pipeline);
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.MessageId), Is.EqualTo(batch.Select(e => e.MessageId)));
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            Assert.That(profiles.Select(p => p.EventCount), Is.All.EqualTo(500));
        });
    }
}
