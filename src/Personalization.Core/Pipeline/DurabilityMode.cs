namespace Personalization.Pipeline;

/// <summary>When an ingest call's events count as safe: what a crash (even <c>SIGKILL</c> or a power cut) may lose.</summary>
public enum DurabilityMode
{
    /// <summary>
    /// No ingest log: events are acknowledged once the dedupe stage has taken them, and live only in memory until the
    /// next checkpoint. A crash loses what was acknowledged since the last checkpoint. The fastest mode, for replays
    /// and data that can be sent again.
    /// </summary>
    None = 0,

    /// <summary>
    /// The default. Every accepted event is appended to the ingest log, and acknowledged after a group commit (an
    /// fsync) that covers it. Commits start at most once per <see cref="PersonalizationOptions.GroupCommitInterval"/>,
    /// and every event appended in between shares the next one. A crash loses nothing that was acknowledged.
    /// </summary>
    GroupCommit = 1,

    /// <summary>
    /// Every ingest call is committed (fsync) on its own, without waiting for others to join: the lowest latency for
    /// a lone caller, and the lowest throughput. A crash loses nothing that was acknowledged.
    /// </summary>
    PerEvent = 2,
}
