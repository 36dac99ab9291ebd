using Personalization.Pipeline;
using Personalization.Triggers;

namespace Personalization.Samples.Replay;

/// <summary>What one replay did: counts, profiles, time and latency.</summary>
internal sealed class ReplayResult
{
    public required string Source { get; init; }

    public required string DataDirectory { get; init; }

    public required bool TemporaryStore { get; init; }

    public required int Shards { get; init; }

    public required long EventsRead { get; init; }

    public required long EventsAccepted { get; init; }

    public required long EventsRejected { get; init; }

    public required long EventsDuplicate { get; init; }

    /// <summary>Events accepted by the ingest call that a shard then failed to apply (reason processing_error).</summary>
    public required long EventsFailed { get; init; }

    public required long Profiles { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required LatencySummary Latency { get; init; }

    /// <summary>Latency of the events after the first <see cref="PipelineMetricsListener.WarmUpEvents"/> (no JIT warm-up).</summary>
    public required LatencySummary SteadyLatency { get; init; }

    /// <summary>What each trigger decided.</summary>
    public required IReadOnlyDictionary<string, TriggerCounts> Triggers { get; init; }

    /// <summary>Rejections by reason code, ordered by code.</summary>
    public required IReadOnlyDictionary<string, long> RejectedByReason { get; init; }

    /// <summary>The first few rejections, with their line and message.</summary>
    public required IReadOnlyList<string> RejectionSamples { get; init; }

    /// <summary>Whether the run was cut short (Ctrl+C): the counts cover the events read until then.</summary>
    public required bool Interrupted { get; init; }

    public string? ProfilesDumpedTo { get; init; }

    /// <summary>How many trigger instances were still pending at the end; null unless they were dumped.</summary>
    public long? PendingTriggers { get; init; }

    public string? TimersDumpedTo { get; init; }

    /// <summary>How many dead letters were written to <see cref="DeadLettersDumpedTo"/>; null unless asked for.</summary>
    public long? DeadLetters { get; init; }

    public string? DeadLettersDumpedTo { get; init; }

    public DurabilityMode Durability { get; init; }

    /// <summary>How often the store took a checkpoint; zero when periodic checkpoints were off.</summary>
    public TimeSpan CheckpointInterval { get; init; }

    /// <summary>Whether the store was recovered from a checkpoint (a --store used before) rather than new.</summary>
    public bool StoreRecovered { get; init; }

    /// <summary>How many ingest-log entries the recovery replayed: those accepted after the last checkpoint of a run
    /// that crashed (0 after a clean stop).</summary>
    public long RecoveryReplayed { get; init; }

    /// <summary>What delivery did (all zero without triggers).</summary>
    public Personalization.Delivery.DeliveryCounts Delivery { get; init; }

    /// <summary>Where the emails went: the outbox folder or the SMTP server; null without delivery.</summary>
    public string? DeliveredTo { get; init; }

    public double EventsPerSecond => ElapsedSeconds > 0 ? EventsRead / ElapsedSeconds : 0;
}
