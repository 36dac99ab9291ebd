using System.Globalization;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// Baseline (a), what a .NET developer writes first: TPL Dataflow blocks, profiles in a
/// <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/>, a <see cref="Timer"/> per pending
/// trigger, no durability (see <see cref="DataflowPipeline"/>). One shard per processor, as the engine.
/// </summary>
internal sealed class DataflowBaseline() : DataflowPipeline(s_shards, applyAsynchronously: false)
{
    private static readonly int s_shards = Environment.ProcessorCount;

    public override IReadOnlyDictionary<string, string> Setup { get; } = new Dictionary<string, string>
    {
        ["durability"] = "none",
        ["shards"] = s_shards.ToString(CultureInfo.InvariantCulture),
        ["profiles"] = "ConcurrentDictionary",
        ["timers"] = "System.Threading.Timer per pending trigger",
    };
}
