using Personalization.Events;

namespace Personalization.Benchmarks.Load;

/// <summary>One system the <c>load</c> command drives: the engine or a baseline, behind the same three calls.</summary>
internal interface ISystemUnderTest : IAsyncDisposable
{
    /// <summary>The latency of each event from the start of its ingest call to its trigger decision, recorded while
    /// <see cref="LatencyRecorder.Enabled"/> is set.</summary>
    LatencyRecorder Latency { get; }

    /// <summary>Send decisions so far, by trigger name.</summary>
    IReadOnlyDictionary<string, long> Decisions { get; }

    /// <summary>Facts about the system's setup worth reporting (shards, durability, server version).</summary>
    IReadOnlyDictionary<string, string> Setup { get; }

    /// <summary>Hands a batch to the system; returns when the system has accepted it (for the engine: acknowledged,
    /// which in GroupCommit means durable). Safe to call from several threads at once.</summary>
    ValueTask IngestAsync(IReadOnlyList<SegmentEvent> batch);

    /// <summary>Returns once every event accepted so far has passed the trigger step.</summary>
    ValueTask DrainAsync();
}
