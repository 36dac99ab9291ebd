using System.Diagnostics;
using System.Threading.Channels;
using Personalization.Diagnostics;
using Personalization.Ingest;
using Personalization.Internal;

namespace Personalization.Pipeline;

// The dedupe stage and, in the durable modes, the commit stage behind it.
public sealed partial class PersonalizationPipeline
{
    private const int MaxCommitBatch = 4096;
    private DateTimeOffset _dedupeWatermark = DateTimeOffset.MinValue;
    private Channel<PipelineItem>? _commit;

    // The dedupe stage: one reader, so the check-and-remember of a messageId is never raced, and the one appender of
    // the ingest log, so the log's order is the order in which events reach the shards.
    private async Task RunDedupeStageAsync()
    {
        var reader = _ingest.Reader;
        try
        {
            // WaitToReadAsync + TryRead: a cancelled ReadAsync on a bounded channel can lose an item (dotnet/runtime#132094).
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    if (item.Barrier is { } barrier)
                    {
                        if (barrier.IsCheckpoint)
                        {
                            barrier.LogPosition = _ingestLog?.TailAddress ?? 0;
                            barrier.DedupeWatermark = _dedupeWatermark;
                        }

                        await ForwardAsync(item).ConfigureAwait(false);

                        // A checkpoint holds this stage here, so the store and the log position agree.
                        await barrier.Resumed.ConfigureAwait(false);
                        continue;
                    }

                    if (_storageFault is not null && !item.Replayed)
                    {
                        item.ReleaseLogEntry();
                        RejectUnavailable(item);
                        continue;
                    }

                    if (item.Event is not null && IsDuplicate(item))
                    {
                        item.ReleaseLogEntry();
                        item.IsDuplicate = true;
                        if (_commit is null)
                        {
                            item.Completion?.Set(item.Index, IngestResult.Duplicate(item.Event.MessageId));
                            continue;
                        }
                    }
                    else if (!TryAppend(item))
                    {
                        continue;
                    }

                    await ForwardAsync(item).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // The stages drain in order: the shards finish once every event routed to them is applied.
            if (_commit is not null)
            {
                _commit.Writer.TryComplete();
            }
            else
            {
                CompleteShards();
            }
        }
    }

    private void CompleteShards()
    {
        foreach (var shard in _shards)
        {
            shard.Writer.TryComplete();
        }
    }

    // Appends the item to the ingest log (durable modes; replayed items are in it already).
    private bool TryAppend(PipelineItem item)
    {
        if (_ingestLog is null || item.Replayed)
        {
            return true;
        }

        try
        {
            item.LogEnd = _ingestLog.Append(item.LogEntryBytes);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StorageFailed(ex);
            RejectUnavailable(item);
            return false;
        }
        finally
        {
            item.ReleaseLogEntry();
        }
    }

    private ValueTask ForwardAsync(PipelineItem item) => _commit is not null ? WriteAsync(_commit.Writer, item) : RouteAsync(item);

    // To the shards: a barrier to each, an event or an erasure to its user's shard. The verdict is final here: the
    // event will be applied even if its shard is busy, so the caller need not wait for room in the shard's queue.
    private async ValueTask RouteAsync(PipelineItem item)
    {
        if (item.Barrier is not null)
        {
            foreach (var shard in _shards)
            {
                await shard.Writer.WriteAsync(item).ConfigureAwait(false);
            }

            return;
        }

        string userId;
        if (item.Event is { } @event)
        {
            if (item.IsDuplicate)
            {
                item.Completion?.Set(item.Index, IngestResult.Duplicate(@event.MessageId));
                return;
            }

            item.Completion?.Set(item.Index, item.FlagReason is null
                ? IngestResult.Accepted(@event.MessageId)
                : new IngestResult(IngestStatus.Accepted, @event.MessageId, item.FlagReason, item.FlagMessage));
            _metrics.Accepted();
            userId = await ResolveIdentityAsync(item, @event).ConfigureAwait(false);
        }
        else
        {
            // An erasure's caller waits until the shard has erased.
            userId = item.EraseUserId = _aliases!.Resolve(item.EraseUserId!);
        }

        await WriteAsync(_shards[StableHash.Shard(userId, _shards.Length)].Writer, item).ConfigureAwait(false);
    }

    private static ValueTask WriteAsync(ChannelWriter<PipelineItem> writer, PipelineItem item) =>
        writer.TryWrite(item) ? ValueTask.CompletedTask : writer.WriteAsync(item);

    // The commit stage (durable modes): takes what the dedupe stage appended, waits for one commit that covers all of
    // it, then hands the events on. Nothing reaches a shard, so nothing is decided or sent, before it is durable.
    private async Task RunCommitStageAsync()
    {
        var reader = _commit!.Reader;
        var batch = new List<PipelineItem>(256);
        var perCall = _options.Durability == DurabilityMode.PerEvent;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                long end = 0;
                while (batch.Count < MaxCommitBatch && reader.TryPeek(out var next)
                    && (batch.Count == 0 || !perCall || next.Completion == batch[0].Completion))
                {
                    reader.TryRead(out _);
                    batch.Add(next);
                    end = Math.Max(end, next.LogEnd);
                    if (next.Barrier is not null)
                    {
                        break;
                    }
                }

                if (end > 0 && _storageFault is null)
                {
                    try
                    {
                        await _ingestLog!.WaitForDurableAsync(end, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        StorageFailed(ex);
                    }
                }

                foreach (var item in batch)
                {
                    if (_storageFault is not null && item.Barrier is null && !item.Replayed)
                    {
                        RejectUnavailable(item);
                    }
                    else
                    {
                        await RouteAsync(item).ConfigureAwait(false);
                    }
                }

                batch.Clear();
            }
        }
        finally
        {
            CompleteShards();
        }
    }

    private void RejectUnavailable(PipelineItem item)
    {
        _metrics.Rejected(IngestReasons.StorageUnavailable);
        item.Completion?.Set(item.Index, IngestResult.Rejected(item.Event?.MessageId ?? item.EraseUserId, IngestReasons.StorageUnavailable,
            StorageUnavailableMessage()));
    }

    private bool IsDuplicate(PipelineItem item)
    {
        var @event = item.Event!;
        var start = Stopwatch.GetTimestamp();
        bool duplicate;
        try
        {
            // A duplicate moves nothing, not even the event-time watermark.
            var eventTime = _clock.Mode == ClockMode.EventTime;
            var now = !eventTime ? item.IngestTime : @event.Timestamp > _dedupeWatermark ? @event.Timestamp : _dedupeWatermark;
            duplicate = _dedupe!.IsDuplicate(@event.MessageId, now);
            if (!duplicate && eventTime)
            {
                _dedupeWatermark = now;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Better to apply a rare duplicate than to lose an event because the index could not be read.
            Log.DedupeFailed(_logger, ex, @event.MessageId);
            duplicate = false;
        }

        _metrics.DedupeDone(start);
        if (duplicate)
        {
            _metrics.Duplicate();
        }

        return duplicate;
    }
}
