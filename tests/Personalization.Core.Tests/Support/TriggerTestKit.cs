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
    /// (<c>trigger/instance key</c>) and the number of timer buckets.</summary>
    public static async Task<(IReadOnlyList<string> Instances, int Buckets)> StoredTriggerStateAsync(string dataDirectory)
    {
        var store = FasterKeyValueStore.Open(Path.Combine(dataDirectory, "store"), Path.Combine(dataDirectory, "checkpoints"),
            TestPipelines.SmallStore());
        try
        {
            using var session = store.OpenSession();
            var instances = session.Scan(TriggerKeys.Instance)
                .Select(pair => Encoding.UTF8.GetString(pair.Key.AsSpan(1)).Replace('\u001f', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray();
            var buckets = session.Scan(TriggerKeys.Bucket).Count();
            return (instances, buckets);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }
}
