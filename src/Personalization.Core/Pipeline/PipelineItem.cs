using Personalization.Events;
using Personalization.Storage;

namespace Personalization.Pipeline;

/// <summary>What flows through the stages' channels: an event, an erasure, or a barrier that every shard must pass.</summary>
internal sealed class PipelineItem
{
    private PipelineItem(SegmentEvent? @event, string? eraseUserId, IngestCompletion? completion, int index, PipelineBarrier? barrier,
        long ingestTimestamp, DateTimeOffset ingestTime, byte[]? logEntry, bool replayed)
    {
        Event = @event;
        EraseUserId = eraseUserId;
        Completion = completion;
        Index = index;
        Barrier = barrier;
        IngestTimestamp = ingestTimestamp;
        IngestTime = ingestTime;
        LogEntry = logEntry;
        Replayed = replayed;
    }

    /// <summary>The event, unless this is an erasure or a barrier. The routing stage replaces it with a copy for the
    /// profile it resolves to when its id was merged into another.</summary>
    public SegmentEvent? Event { get; set; }

    /// <summary>The user whose data this item erases, when it is an erasure (resolved by the routing stage to the
    /// profile an id was merged into).</summary>
    public string? EraseUserId { get; set; }

    /// <summary>Where the stages report this item's verdict to the ingest caller (none for replayed items).</summary>
    public IngestCompletion? Completion { get; }

    /// <summary>This item's position in its ingest call.</summary>
    public int Index { get; }

    /// <summary>The barrier, when this item is one.</summary>
    public PipelineBarrier? Barrier { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> at the ingest call, for end-to-end latency.</summary>
    public long IngestTimestamp { get; }

    /// <summary>The pipeline clock's wall-clock time at the ingest call (kept in the ingest log, so that a replay after a
    /// crash applies the event at the processing time it first had).</summary>
    public DateTimeOffset IngestTime { get; }

    // The ingest-log entry of an erasure (durable modes), serialized by the caller's thread.
    private byte[]? LogEntry { get; }

    // Or, for an event: where its entry is in its ingest call's batch (released once, by ReleaseLogEntry).
    private IngestLogBatch? _logBatch;
    private int _logOffset;
    private int _logLength;

    /// <summary>The bytes of the ingest-log entry to append (empty when there is none, or once released).</summary>
    public ReadOnlySpan<byte> LogEntryBytes => _logBatch is { } batch ? batch.Entry(_logOffset, _logLength) : LogEntry;

    /// <summary>Called once the entry is in the log, or will never be: its share of the batch's pooled array is given
    /// back. Only the stage that holds the item calls it, and a second call does nothing.</summary>
    public void ReleaseLogEntry()
    {
        if (_logBatch is { } batch)
        {
            _logBatch = null;
            batch.Release();
        }
    }

    /// <summary>Whether the item comes from the ingest log at recovery: it is already durable and nobody waits for it.</summary>
    public bool Replayed { get; }

    /// <summary>Set by the dedupe stage: the address after this item's log entry (0 when nothing was appended).</summary>
    public long LogEnd { get; set; }

    /// <summary>Set by the dedupe stage: whether the event is a duplicate (its verdict waits for the commit all the same).</summary>
    public bool IsDuplicate { get; set; }

    /// <summary>When a tracking plan flagged the accepted event: the reason code its result carries.</summary>
    public string? FlagReason { get; set; }

    /// <summary>When a tracking plan flagged the accepted event: what was wrong.</summary>
    public string? FlagMessage { get; set; }

    /// <summary>Set by the routing stage on an <c>identify</c> or <c>alias</c> event: the profile id to merge into the
    /// event's profile before the event is applied.</summary>
    public string? MergeFrom { get; set; }

    /// <summary>Set with <see cref="MergeFrom"/> when the merged profile lives on another shard: the hand-over that shard
    /// completes once it has applied everything routed to it before the merge.</summary>
    public MergeHandoff? MergeHandoff { get; set; }

    /// <summary>On a hand-over item (to the merged id's shard): the hand-over to complete.</summary>
    public MergeHandoff? Handoff { get; private init; }

    public static PipelineItem ForEvent(SegmentEvent @event, IngestCompletion completion, int index, long ingestTimestamp,
        DateTimeOffset ingestTime, IngestLogBatch? logBatch)
    {
        var item = new PipelineItem(@event, null, completion, index, null, ingestTimestamp, ingestTime, null, replayed: false);
        if (logBatch is not null)
        {
            (item._logOffset, item._logLength) = logBatch.AddEvent(@event, ingestTime);
            item._logBatch = logBatch;
        }

        return item;
    }

    public static PipelineItem ForErase(string userId, IngestCompletion completion, long ingestTimestamp, DateTimeOffset ingestTime,
        byte[]? logEntry) =>
        new(null, userId, completion, 0, null, ingestTimestamp, ingestTime, logEntry, replayed: false);

    /// <summary>An entry of the ingest log, replayed at recovery.</summary>
    public static PipelineItem ForReplay(IngestLogEntry entry, long ingestTimestamp) =>
        new(entry.Event, entry.EraseUserId, null, 0, null, ingestTimestamp, entry.IngestTime, null, replayed: true);

    /// <summary>An item that only makes a shard look at the clock.</summary>
    public static PipelineItem ForTick() => new(null, null, null, 0, null, 0, default, null, replayed: false);

    /// <summary>An item that tells the merge's target shard that this shard is done with the merged profile.</summary>
    public static PipelineItem ForHandoff(MergeHandoff handoff) =>
        new(null, null, null, 0, null, 0, default, null, replayed: false) { Handoff = handoff };

    public static PipelineItem ForBarrier(PipelineBarrier barrier) => new(null, null, null, 0, barrier, 0, default, null, replayed: false);
}
