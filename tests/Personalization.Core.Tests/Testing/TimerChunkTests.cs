using Personalization.Events;
using Personalization.Storage;
using Personalization.Tests.Support;
using Personalization.Triggers;
using Personalization.Triggers.Engine;

namespace Personalization.Tests.Testing;

// Many timers due in the same second: they are split into bounded chunks, fire once each, and leave nothing behind.
public class TimerChunkTests
{
    [Test]
    public async Task Many_timers_due_in_one_second_are_chunked_and_each_fires_once_in_order()
    {
        using var directory = new TempDirectory();
        var sink = new InMemorySendIntentSink();
        const int users = (3 * TriggerEngine.ChunkSize) + 5;
        var at = TestEvents.T0;
        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1,
            triggers: Trigger.When("reminder", "Started").After(TimeSpan.FromHours(1))))
        {
            var events = Enumerable.Range(0, users)
                .Select(i => SegmentEvent.Track("m" + i, "user-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
                    "Started", at.AddTicks(i * 1000)))
                .ToArray();
            await pipeline.IngestBatchAsync(events);
            await pipeline.FlushAsync();
        }

        var chunks = await ChunkSizesAsync(directory.Path);
        Assert.That(chunks, Has.Count.EqualTo(4), "one second of due time, in 4 chunks");
        Assert.That(chunks, Has.All.LessThanOrEqualTo(TriggerEngine.ChunkSize));

        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1,
            triggers: Trigger.When("reminder", "Started").After(TimeSpan.FromHours(1))))
        {
            await pipeline.CompleteReplayAsync();
        }

        var sent = sink.Intents.ToList();
        var left = await ChunkSizesAsync(directory.Path);
        Assert.Multiple(() =>
        {
            Assert.That(sent.Select(s => s.UserId), Is.Unique);
            Assert.That(sent, Has.Count.EqualTo(users));
            Assert.That(sent.Select(s => s.Due), Is.Ordered, "due-time order within the second");
            Assert.That(left, Is.Empty, "no bucket left behind");
        });
    }

    // The number of timers in each bucket chunk left in a stopped pipeline's store.
    private static async Task<List<int>> ChunkSizesAsync(string dataDirectory)
    {
        var store = FasterKeyValueStore.Open(Path.Combine(dataDirectory, "store"), Path.Combine(dataDirectory, "checkpoints"),
            TestPipelines.SmallStore());
        try
        {
            using var session = store.OpenSession();
            return session.Scan(TriggerKeys.Bucket).Select(pair => TriggerStore.ReadBucket(pair.Value).Instances.Count).ToList();
        }
        finally
        {
            await store.DisposeAsync();
        }
    }
}
