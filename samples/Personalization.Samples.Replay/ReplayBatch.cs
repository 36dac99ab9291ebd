using Personalization.Events;

namespace Personalization.Samples.Replay;

/// <summary>The events of one ingest call and the line (record) numbers they came from.</summary>
internal sealed class ReplayBatch(int capacity)
{
    public List<SegmentEvent> Events { get; } = new(capacity);

    public List<long> Lines { get; } = new(capacity);

    public int Count => Events.Count;

    public void Add(SegmentEvent @event, long line)
    {
        Events.Add(@event);
        Lines.Add(line);
    }

    public void Clear()
    {
        Events.Clear();
        Lines.Clear();
    }
}
