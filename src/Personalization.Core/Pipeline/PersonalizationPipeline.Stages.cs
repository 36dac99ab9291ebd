using System.Diagnostics;
using Personalization.Diagnostics;
using Personalization.Ingest;
using Personalization.Internal;

namespace Personalization.Pipeline;

public sealed partial class PersonalizationPipeline
{
    private DateTimeOffset _dedupeWatermark = DateTimeOffset.MinValue;

    // The dedupe stage: one reader, so the check-and-remember of a messageId is never raced.
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
                    if (item.Barrier is not null)
                    {
                        foreach (var shard in _shards)
                        {
                            await shard.Writer.WriteAsync(item).ConfigureAwait(false);
                        }

                        continue;
                    }

                    if (!IsDuplicate(item))
                    {
                        // The verdict is final here: the event will be applied even if its shard is busy, so the
                        // caller need not wait for room in the shard's queue.
                        item.Completion!.Set(item.Index, IngestResult.Accepted(item.Event!.MessageId));
                        _metrics.Accepted();
                        var shard = _shards[StableHash.Shard(item.Event.ProfileId!, _shards.Length)];
                        if (!shard.Writer.TryWrite(item))
                        {
                            await shard.Writer.WriteAsync(item).ConfigureAwait(false);
                        }
                    }
                }
            }
        }
        finally
        {
            // The stages drain in order: the shards finish once every event routed to them is applied.
            foreach (var shard in _shards)
            {
                shard.Writer.TryComplete();
            }
        }
    }

    private bool IsDuplicate(PipelineItem item)
    {
        var @event = item.Event!;
        var start = Stopwatch.GetTimestamp();
        bool duplicate;
        try
        {
            var now = _clock.Mode == ClockMode.EventTime ? AdvanceDedupeWatermark(@event.Timestamp) : _clock.WallClock;
            duplicate = _dedupe!.IsDuplicate(@event.MessageId, now);
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
            item.Completion!.Set(item.Index, IngestResult.Duplicate(@event.MessageId));
            _metrics.Duplicate();
        }

        return duplicate;
    }

    private DateTimeOffset AdvanceDedupeWatermark(DateTimeOffset timestamp)
    {
        if (timestamp > _dedupeWatermark)
        {
            _dedupeWatermark = timestamp;
        }

        return _dedupeWatermark;
    }
}
