using Microsoft.Extensions.Time.Testing;
using Personalization.Pipeline;
using Personalization.Storage;
using Personalization.Triggers;

namespace Personalization.Tests.Support;

/// <summary>Options and pipelines sized for tests: a small store, event time unless a test asks otherwise.</summary>
public static class TestPipelines
{
    /// <summary>How long a test waits for something that should happen at once before it fails instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static PersonalizationOptions Options(string dataDirectory, int shardCount = 4, ITriggerEvaluator? evaluator = null,
        ClockMode clock = ClockMode.EventTime) => new()
    {
        DataDirectory = dataDirectory,
        ShardCount = shardCount,
        ChannelCapacity = 1024,
        Clock = clock,
        TriggerEvaluator = evaluator,
        Store = SmallStore(),
    };

    public static StoreOptions SmallStore() => new()
    {
        MemoryBudgetBytes = 16L << 20,
        IndexSizeBytes = 1L << 20,
        PageSizeBytes = 1L << 20,
    };

    public static Task<PersonalizationPipeline> StartAsync(string dataDirectory, int shardCount = 4, ITriggerEvaluator? evaluator = null) =>
        PersonalizationPipeline.StartNewAsync(Options(dataDirectory, shardCount, evaluator));

    public static Task<PersonalizationPipeline> StartAsync(PersonalizationOptions options, FakeTimeProvider? time = null) =>
        PersonalizationPipeline.StartNewAsync(options, timeProvider: time);
}
