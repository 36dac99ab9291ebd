using System.Buffers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Personalization.Pipeline;
using Personalization.Storage;
using Personalization.Triggers;
using Personalization.Triggers.Engine;

namespace Personalization.Tests.Support;

/// <summary>Pipelines with triggers, a sink the tests can wait on, and a look into the trigger engine's stored state.</summary>
public static class TriggerTestKit
{
    /// <summary>Test options (small store) with <paramref name="triggers"/> and <paramref name="sink"/>.</summary>
    public static PersonalizationOptions Options(string dataDirectory, ISendIntentSink? sink, int shardCount = 2,
        ClockMode clock = ClockMode.EventTime, params TriggerBuilder[] triggers)
    {
        var options = TestPipelines.Options(dataDirectory, shardCount, clock: clock);
        options.SendSink = sink;
        foreach (var trigger in triggers)
        {
            options.Triggers.Add(trigger.Build());
        }

        return options;
    }

    /// <summary>Starts a pipeline in event time with <paramref name="triggers"/>.</summary>
    public static Task<PersonalizationPipeline> StartAsync(string dataDirectory, ISendIntentSink? sink, int shardCount = 2,
        params TriggerBuilder[] triggers) =>
        TestPipelines.StartAsync(Options(dataDirectory, sink, shardCount, ClockMode.EventTime, triggers));

    /// <summary>Starts a pipeline in processing time on <paramref name="time"/>, its idle shards ticking every <paramref name="tick"/>.</summary>
    public static Task<PersonalizationPipeline> StartInProcessingTimeAsync(string dataDirectory, ISendIntentSink? sink, FakeTimeProvider time,
        TimeSpan tick, int shardCount = 2, params TriggerBuilder[] triggers)
    {
        var options = Options(dataDirectory, sink, shardCount, ClockMode.ProcessingTime, triggers);
        options.ClockTickInterval = tick;
        return TestPipelines.StartAsync(options, time);
    }

    /// <summary>What one trigger decided, as a tuple that prints well in a failure.</summary>
    public static (long Entered, long Restarted, long Cancelled, long Suppressed, long Fired) CountsOf(PersonalizationPipeline pipeline,
        string trigger)
    {
        var counts = pipeline.TriggerCounts[trigger];
        return (counts.Entered, counts.Restarted, counts.Cancelled, counts.Suppressed, counts.Fired);
    }

    /// <summary>The trigger engine's keys left in a stopped pipeline's data directory: pending instances
    /// (<c>trigger/instance key</c>) and the number of timer buckets. With <paramref name="liveOnly"/>, only keys that can
    /// still be read count; without it, whatever the store's prefix scan yields (which the engine relies on at start).</summary>
    public static async Task<(IReadOnlyList<string> Instances, int Buckets)> StoredTriggerStateAsync(string dataDirectory, bool liveOnly = true)
    {
        var store = FasterKeyValueStore.Open(Path.Combine(dataDirectory, "store"), Path.Combine(dataDirectory, "checkpoints"),
            TestPipelines.SmallStore());
        try
        {
            using var session = store.OpenSession();
            var instances = Keys(session, TriggerKeys.Instance, liveOnly)
                .Select(key => Encoding.UTF8.GetString(key.AsSpan(1)).Replace('\u001f', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray();
            var buckets = Keys(session, TriggerKeys.Bucket, liveOnly).Count;
            return (instances, buckets);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static List<byte[]> Keys(IKeyValueSession session, byte prefix, bool liveOnly)
    {
        // Scan copies records out lazily and the session may not be used meanwhile: collect the keys first, then read.
        var keys = session.Scan(prefix).Select(pair => pair.Key).ToList();
        return liveOnly ? keys.FindAll(key => session.TryRead(key, new ArrayBufferWriter<byte>())) : keys;
    }
}
