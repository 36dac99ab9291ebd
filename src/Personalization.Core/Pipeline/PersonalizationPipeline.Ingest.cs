using System.Diagnostics;
using System.Threading.Channels;
using Personalization.Diagnostics;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Storage;

namespace Personalization.Pipeline;

public sealed partial class PersonalizationPipeline
{
    /// <inheritdoc />
    public async ValueTask<IngestResult> IngestAsync(SegmentEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var results = await IngestBatchAsync([@event], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public async ValueTask<IngestResult> IngestAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var parsed = SegmentJson.Parse(utf8Json.Span);
        _metrics.IngestDone(start, 1);
        if (!parsed.Success)
        {
            _metrics.Rejected(parsed.ReasonCode);
            return IngestResult.Rejected(parsed.MessageId, parsed.ReasonCode, parsed.Message);
        }

        return await IngestAsync(parsed.Event, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<IngestResult>> IngestBatchAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var parsed = SegmentJson.ParseBatch(utf8Json.Span);
        _metrics.IngestDone(start, parsed.Count);
        var events = new List<SegmentEvent>(parsed.Count);
        foreach (var result in parsed)
        {
            if (result.Success)
            {
                events.Add(result.Event);
            }
        }

        var ingested = await IngestBatchAsync(events, cancellationToken).ConfigureAwait(false);
        if (events.Count == parsed.Count)
        {
            return ingested;
        }

        // Put the parse rejections back in their places among the results.
        var merged = new IngestResult[parsed.Count];
        for (int i = 0, next = 0; i < parsed.Count; i++)
        {
            if (parsed[i].Success)
            {
                merged[i] = ingested[next++];
            }
            else
            {
                _metrics.Rejected(parsed[i].ReasonCode!);
                merged[i] = IngestResult.Rejected(parsed[i].MessageId, parsed[i].ReasonCode!, parsed[i].Message!);
            }
        }

        return merged;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<IngestResult>> IngestBatchAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        EnsureStarted();
        using var activity = PipelineActivities.StartIngest(events.Count);
        var ingestTimestamp = Stopwatch.GetTimestamp();
        var ingestTime = _timeProvider.GetUtcNow();
        var log = _ingestLog;
        var completion = new IngestCompletion(events.Count);
        var writer = _ingest.Writer;
        for (var i = 0; i < events.Count; i++)
        {
            var @event = events[i];
            if (@event is null)
            {
                _metrics.Rejected(IngestReasons.MissingField);
                completion.Set(i, IngestResult.Rejected(null, IngestReasons.MissingField, $"Batch item {i} is null."));
                continue;
            }

            if (SegmentEventValidator.Validate(@event) is { } rejection)
            {
                SetRejected(completion, i, @event, rejection.ReasonCode!, rejection.Message!);
                continue;
            }

            if (_storageFault is not null)
            {
                SetRejected(completion, i, @event, IngestReasons.StorageUnavailable, StorageUnavailableMessage());
                continue;
            }

            // The log entry is serialized here, on the caller's thread, so the dedupe stage only appends bytes.
            var entry = log is null ? null : IngestLogEntry.ForEvent(@event, ingestTime);
            var item = PipelineItem.ForEvent(@event, completion, i, ingestTimestamp, ingestTime, entry);
            if (writer.TryWrite(item))
            {
                continue;
            }

            if (_state != 1 || _fault.Task.IsFaulted)
            {
                SetRejected(completion, i, @event, IngestReasons.Stopped, StoppedMessage());
            }
            else if (_options.FullMode == PipelineFullMode.Reject)
            {
                SetRejected(completion, i, @event, IngestReasons.PipelineFull,
                    $"The pipeline is full ({_options.ChannelCapacity} events waiting); retry later.");
            }
            else if (!await WriteOrStoppedAsync(writer, item, cancellationToken).ConfigureAwait(false))
            {
                SetRejected(completion, i, @event, IngestReasons.Stopped, StoppedMessage());
            }
        }

        await WaitOrFaultAsync(completion.Completed, cancellationToken).ConfigureAwait(false);
        PipelineActivities.RecordResults(activity, completion.Results);
        return completion.Results;
    }

    private static async ValueTask<bool> WriteOrStoppedAsync(ChannelWriter<PipelineItem> writer, PipelineItem item, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private string StoppedMessage() => _fault.Task.Exception?.InnerException is PipelineFaultedException fault
        ? fault.Message
        : "The pipeline is stopping and takes no more events.";

    private void SetRejected(IngestCompletion completion, int index, SegmentEvent @event, string reason, string message)
    {
        _metrics.Rejected(reason);
        completion.Set(index, IngestResult.Rejected(@event.MessageId, reason, message));
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => PassBarrierAsync(isFinal: false, cancellationToken);

    /// <summary>
    /// The end of a replay: waits until every accepted event is applied, and has every shard resolve all its pending
    /// timers (see <see cref="Triggers.TriggerClockContext.IsFinal"/>). The pipeline keeps running.
    /// </summary>
    public ValueTask CompleteReplayAsync(CancellationToken cancellationToken = default) => PassBarrierAsync(isFinal: true, cancellationToken);

    private async ValueTask PassBarrierAsync(bool isFinal, CancellationToken cancellationToken)
    {
        EnsureStarted();
        using var activity = PipelineActivities.Source.StartActivity(isFinal ? "personalization.complete_replay" : "personalization.flush");
        var barrier = new PipelineBarrier(_shards.Length, isFinal);
        try
        {
            await _ingest.Writer.WriteAsync(PipelineItem.ForBarrier(barrier), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex) when (!_fault.Task.IsFaulted)
        {
            throw new InvalidOperationException("The pipeline is stopping; it was drained by the stop.", ex);
        }
        catch (ChannelClosedException)
        {
            await _fault.Task.ConfigureAwait(false);
            throw;
        }

        await WaitOrFaultAsync(barrier.Passed, cancellationToken).ConfigureAwait(false);
    }

    private void EnsureStarted()
    {
        if (_state == 0)
        {
            throw new InvalidOperationException("The pipeline is not started: call StartAsync first, or let the host start it (AddPersonalization).");
        }
    }
}
