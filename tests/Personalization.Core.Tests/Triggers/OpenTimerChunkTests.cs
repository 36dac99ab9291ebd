using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Tests.Support;
using Personalization.Triggers;
using Personalization.Triggers.Engine;

namespace Personalization.Tests.Triggers;

/// <summary>
/// The engine keeps the last bucket chunk of recent seconds in memory, so that adding a timer does not read the chunk
/// back first. The store stays the source of truth: what a re-attached engine (or a restarted process) finds is
/// what was written.
/// </summary>
public class OpenTimerChunkTests
{
    private static readonly TimeSpan s_delay = TimeSpan.FromHours(1);

    [Test]
    public async Task Timers_added_to_a_cached_chunk_are_found_after_the_engine_is_reattached_to_the_same_store([Values] bool savedIndex)
    {
        using var directory = new TempDirectory();
        var store = FasterKeyValueStore.Open(Path.Combine(directory.Path, "store"), Path.Combine(directory.Path, "checkpoints"),
            TestPipelines.SmallStore());
        using var meter = new Meter("Personalization.Tests.OpenTimerChunks");
        var sink = new InMemorySendIntentSink();
        TriggerDefinition[] triggers = [Trigger.When("reminder", "Started").After(s_delay).Build()];
        var engine = new TriggerEngine(triggers, sink, ClockMode.EventTime, new SendPolicyOptions(), new TriggerMetrics(meter, 1),
            NullLogger.Instance);
        try
        {
            // 10 in one second (one open chunk), then across a chunk boundary: 20 more (entering again while pending
            // changes nothing), then 5 more after another re-attach.
            engine.Attach(store, shardCount: 1);
            Start(engine, Enumerable.Range(0, 10));
            Reattach(engine, store, savedIndex);
            Start(engine, Enumerable.Range(10, 20));
            Start(engine, Enumerable.Range(0, 30).Where(i => i % 3 == 0));
            Reattach(engine, store, savedIndex);
            Start(engine, Enumerable.Range(30, 5));

            var chunks = BucketSizes(store);
            engine.OnClock(new TriggerClockContext(0, TestEvents.T0 + s_delay + TimeSpan.FromSeconds(1), IsFinal: false));
            var sent = sink.Intents.Select(intent => intent.UserId).Order(StringComparer.Ordinal).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(chunks, Is.EqualTo(new[] { TriggerEngine.ChunkSize, TriggerEngine.ChunkSize, 3 }), "full chunks of one second");
                Assert.That(sent, Is.EqualTo(Enumerable.Range(0, 35).Select(User).Order(StringComparer.Ordinal)), "each timer fires once");
                Assert.That(BucketSizes(store), Is.Empty, "no bucket left behind");
            });
        }
        finally
        {
            engine.Detach();
            await store.DisposeAsync();
        }
    }

    [Test]
    public async Task A_second_collected_and_filled_again_starts_a_new_chunk_instead_of_the_cached_one()
    {
        using var directory = new TempDirectory();
        var store = FasterKeyValueStore.Open(Path.Combine(directory.Path, "store"), Path.Combine(directory.Path, "checkpoints"),
            TestPipelines.SmallStore());
        using var meter = new Meter("Personalization.Tests.OpenTimerChunks");
        var sink = new InMemorySendIntentSink();
        TriggerDefinition[] triggers = [Trigger.When("reminder", "Started").After(s_delay).Build()];
        var engine = new TriggerEngine(triggers, sink, ClockMode.EventTime, new SendPolicyOptions(), new TriggerMetrics(meter, 1),
            NullLogger.Instance);
        try
        {
            engine.Attach(store, shardCount: 1);
            Start(engine, Enumerable.Range(0, 3));
            var due = new TriggerClockContext(0, TestEvents.T0 + s_delay + TimeSpan.FromSeconds(1), IsFinal: false);
            engine.OnClock(due);

            // A late event in event time: due in the second just collected, whose chunk must not come back.
            Start(engine, Enumerable.Range(3, 2));
            var chunks = BucketSizes(store);
            engine.OnClock(due);
            Assert.Multiple(() =>
            {
                Assert.That(chunks, Is.EqualTo(new[] { 2 }));
                Assert.That(sink.Intents.Select(intent => intent.UserId), Is.EquivalentTo(Enumerable.Range(0, 5).Select(User)));
            });
        }
        finally
        {
            engine.Detach();
            await store.DisposeAsync();
        }
    }

    private static string User(int i) => "user-" + i.ToString("D3", CultureInfo.InvariantCulture);

    // Each user starts the trigger at T0 plus a few milliseconds: all due within one second.
    private static void Start(TriggerEngine engine, IEnumerable<int> users)
    {
        var context = new TriggerEventContext(0);
        foreach (var i in users)
        {
            var @event = SegmentEvent.Track("m-" + i + "-" + Guid.NewGuid().ToString("N"), User(i), "Started", TestEvents.T0.AddMilliseconds(i));
            context.Reset(@event, new CustomerProfile { UserId = User(i) }, ReadOnlyMemory<byte>.Empty, @event.Timestamp);
            engine.OnEvent(context);
        }
    }

    private static void Reattach(TriggerEngine engine, IKeyValueStore store, bool savedIndex)
    {
        if (savedIndex)
        {
            using var session = store.OpenSession();
            engine.SaveTimerIndex(session);
        }

        engine.Detach();
        engine.Attach(store, shardCount: 1);
    }

    // The number of timers in each live bucket chunk, by chunk (the scan can also yield deleted keys).
    private static List<int> BucketSizes(IKeyValueStore store)
    {
        using var session = store.OpenSession();
        var keys = session.Scan(TriggerKeys.Bucket).Select(pair => pair.Key).ToList();
        var sizes = new List<(int Chunk, int Size)>();
        foreach (var key in keys)
        {
            var value = new ArrayBufferWriter<byte>();
            if (session.TryRead(key, value))
            {
                sizes.Add((TriggerKeys.ReadBucket(key).Chunk, TriggerStore.ReadBucket(value.WrittenSpan.ToArray()).Instances.Count));
            }
        }

        return [.. sizes.OrderBy(size => size.Chunk).Select(size => size.Size)];
    }
}
