using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Personalization.DeadLetters;
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
        EnsureStarted();
        var start = Stopwatch.GetTimestamp();
        var parsed = _validator.Parse(utf8Json.Span);
        _metrics.IngestDone(start, 1);
        var results = await IngestCheckedAsync([parsed], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<IngestResult>> IngestBatchAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        var start = Stopwatch.GetTimestamp();
        var parsed = _validator.ParseBatch(utf8Json.Span);
        _metrics.IngestDone(start, parsed.Count);
        return IngestCheckedAsync(parsed, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<IngestResult>> IngestBatchAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        EnsureStarted();

        // Pooled: a batch's check results live only as long as the call.
        var checkedEvents = ArrayPool<SegmentParseResult>.Shared.Rent(events.Count);
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                checkedEvents[i] = _validator.Check(events[i]);
            }

            return await IngestCheckedAsync(new ArraySegment<SegmentParseResult>(checkedEvents, 0, events.Count), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<SegmentParseResult>.Shared.Return(checkedEvents, clearArray: true);
        }
    }

    // What the ingest log entry of a typical event takes (header and MessagePack), to rent a call's batch at once.
    private const int ExpectedEntryBytes = 640;

    // Every ingest call ends here, with each event parsed and checked (upcast, validated, held to the tracking plan):
    // the rejected ones go to the dead letters (unless they are being replayed from there), the others into the
    // pipeline. The call returns once every verdict is known and every dead letter of the call is durable.
    private async ValueTask<IReadOnlyList<IngestResult>> IngestCheckedAsync(IReadOnlyList<SegmentParseResult> checkedEvents,
        CancellationToken cancellationToken, bool keepDeadLetters = true)
    {
        using var activity = PipelineActivities.StartIngest(checkedEvents.Count);
        var ingestTimestamp = Stopwatch.GetTimestamp();
        var ingestTime = _timeProvider.GetUtcNow();
        // The log entries are serialized here, on the caller's thread, so the dedupe stage only appends bytes.
        var logBatch = _ingestLog is null ? null : new IngestLogBatch(checkedEvents.Count * ExpectedEntryBytes);
        var completion = new IngestCompletion(checkedEvents.Count);
        var writer = _ingest.Writer;
        List<DeadLetterDraft>? deadLetters = null;
        for (var i = 0; i < checkedEvents.Count; i++)
        {
            var result = checkedEvents[i];
            if (!result.Success)
            {
                _metrics.Rejected(result.ReasonCode);
                completion.Set(i, IngestResult.Rejected(result.MessageId, result.ReasonCode, result.Message));
                if (keepDeadLetters)
                {
                    (deadLetters ??= []).Add(DeadLetterDrafts.Rejected(result));
                }

                continue;
            }

            var @event = result.Event;
            if (_storageFault is not null)
            {
                SetRejected(completion, i, @event, IngestReasons.StorageUnavailable, StorageUnavailableMessage());
                continue;
            }

            if (result.IsFlagged)
            {
                (deadLetters ??= []).Add(DeadLetterDrafts.Flagged(result));
            }

            var item = PipelineItem.ForEvent(@event, completion, i, ingestTimestamp, ingestTime, logBatch);
            if (result.IsFlagged)
            {
                item.FlagReason = result.FlagReason;
                item.FlagMessage = result.FlagMessage;
            }

            if (writer.TryWrite(item))
            {
                continue;
            }

            if (_state != 1 || _fault.Task.IsFaulted)
            {
                item.ReleaseLogEntry();
                SetRejected(completion, i, @event, IngestReasons.Stopped, StoppedMessage());
            }
            else if (_options.FullMode == PipelineFullMode.Reject)
            {
                item.ReleaseLogEntry();
                SetRejected(completion, i, @event, IngestReasons.PipelineFull,
                    $"The pipeline is full ({_options.ChannelCapacity} events waiting); retry later.");
            }
            else if (!await WriteOrStoppedAsync(writer, item, cancellationToken).ConfigureAwait(false))
            {
                item.ReleaseLogEntry();
                SetRejected(completion, i, @event, IngestReasons.Stopped, StoppedMessage());
            }
        }

        // This call adds no more entries: the batch's array goes back to the pool once the last one is released.
        logBatch?.Release();

        // The dead letters are written while the events go through the pipeline; the call waits for both.
        var keeping = deadLetters is null ? default : _deadLetters!.AppendAsync(deadLetters, CancellationToken.None);
        await WaitOrFaultAsync(completion.Completed, cancellationToken).ConfigureAwait(false);
        if (deadLetters is not null)
        {
            await keeping.ConfigureAwait(false);
        }

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
