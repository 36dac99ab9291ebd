using Personalization.Events;

namespace Personalization.Benchmarks.Load;

/// <summary>One event on its way through a baseline's blocks, with the start of its ingest call.</summary>
internal sealed class BaselineItem(SegmentEvent @event, long ingestTimestamp)
{
    public SegmentEvent Event { get; } = @event;

    /// <summary>The <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> at the start of the ingest call.</summary>
    public long IngestTimestamp { get; } = ingestTimestamp;

    /// <summary>The shard (action block) that owns the event's user; -1 for a duplicate.</summary>
    public int Shard { get; set; }
}
