using Personalization.Events;

namespace Personalization.Ingest;

/// <summary>
/// Takes user-behaviour events into the pipeline. Every call returns one <see cref="IngestResult"/> per event:
/// accepted, duplicate, or rejected with a reason code. Safe to call from any thread; the events of one caller keep
/// their order. Bad input never throws: it is rejected with a reason.
/// </summary>
public interface IEventIngestor
{
    /// <summary>Ingests one event.</summary>
    ValueTask<IngestResult> IngestAsync(SegmentEvent @event, CancellationToken cancellationToken = default);

    /// <summary>Ingests one event given as Segment JSON (UTF-8).</summary>
    ValueTask<IngestResult> IngestAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default);

    /// <summary>Ingests events in order, giving one result per event in the same order.</summary>
    ValueTask<IReadOnlyList<IngestResult>> IngestBatchAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Ingests a Segment batch (<c>{"batch": [...]}</c>) or a single event given as JSON (UTF-8).</summary>
    ValueTask<IReadOnlyList<IngestResult>> IngestBatchAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default);

    /// <summary>Completes when every event accepted before the call has been applied to its profile and evaluated by
    /// the trigger stage.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
