using Personalization.Events;

namespace Personalization.Pipeline;

/// <summary>What flows through the stages' channels: an event, or a barrier that every shard must pass.</summary>
internal sealed class PipelineItem
{
    private PipelineItem(SegmentEvent? @event, IngestCompletion? completion, int index, PipelineBarrier? barrier, long ingestTimestamp)
    {
        Event = @event;
        Completion = completion;
        Index = index;
        Barrier = barrier;
        IngestTimestamp = ingestTimestamp;
    }

    /// <summary>The event, unless this is a barrier.</summary>
    public SegmentEvent? Event { get; }

    /// <summary>Where the dedupe stage reports this event's verdict to the ingest caller.</summary>
    public IngestCompletion? Completion { get; }

    /// <summary>This event's position in its ingest call.</summary>
    public int Index { get; }

    /// <summary>The barrier, when this item is one.</summary>
    public PipelineBarrier? Barrier { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> at the ingest call, for end-to-end latency.</summary>
    public long IngestTimestamp { get; }

    public static PipelineItem ForEvent(SegmentEvent @event, IngestCompletion completion, int index, long ingestTimestamp) =>
        new(@event, completion, index, null, ingestTimestamp);

    /// <summary>An item that only makes a shard look at the clock.</summary>
    public static PipelineItem ForTick() => new(null, null, 0, null, 0);

    public static PipelineItem ForBarrier(PipelineBarrier barrier) => new(null, null, 0, barrier, 0);
}
