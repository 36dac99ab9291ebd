using System.Buffers;
using System.Threading.Channels;

namespace Personalization.DeadLetters;

// The write path: a bounded queue, one writer at a time, one fsync per group of appends.
internal sealed partial class DeadLetterStore
{
    private static readonly Task<bool> s_failed = Task.FromResult(false);
    private readonly ArrayBufferWriter<byte> _group = new(); // under _gate: lines for the active segment, not yet written
    private readonly ArrayBufferWriter<byte> _line = new(); // under _gate: the line being added
    private DeadLetterSegment? _activeSegment; // under _gate: the segment appends go to; null until the next append
    private FileStream? _active; // under _gate: its open file

    private sealed class PendingAppend(IReadOnlyList<DeadLetterDraft> drafts)
    {
        public IReadOnlyList<DeadLetterDraft> Drafts { get; } = drafts;

        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <inheritdoc />
    public async ValueTask<bool> AppendAsync(IReadOnlyList<DeadLetterDraft> drafts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0)
        {
            return true;
        }

        var pending = new PendingAppend(drafts);
        if (!_queue.Writer.TryWrite(pending))
        {
            try
            {
                // Full: back-pressure (the queue is bounded like every other one).
                await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                Failed(drafts.Count, "the store is closed");
                return false;
            }
        }

        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues <paramref name="draft"/> without waiting (for callers that cannot await, or that must queue under their
    /// own lock); the task completes as <see cref="AppendAsync"/> would. <see langword="false"/> at once, counted,
    /// when the queue is full or the store closed.
    /// </summary>
    public Task<bool> Post(DeadLetterDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var pending = new PendingAppend([draft]);
        if (_queue.Writer.TryWrite(pending))
        {
            return pending.Done.Task;
        }

        Failed(1, Volatile.Read(ref _closed) ? "the store is closed" : "the queue is full");
        return s_failed;
    }

    // Invariant 8: WaitToReadAsync + TryRead (under the lock, in DrainLocked).
    private async Task WriteLoopAsync()
    {
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            lock (_gate)
            {
                DrainLocked(); // never throws: failures complete the appends with false
            }
        }
    }

    // Writes everything queued as one group: one write per segment, one fsync.
    private void DrainLocked()
    {
        List<PendingAppend>? batch = null;
        while (_queue.Reader.TryRead(out var pending))
        {
            (batch ??= []).Add(pending);
        }

        if (batch is null)
        {
            return;
        }

        var entries = 0;
        foreach (var pending in batch)
        {
            entries += pending.Drafts.Count;
        }

        if (_closed)
        {
            Complete(batch, false);
            Failed(entries, "the store is closed");
            return;
        }

        var dropped = (_droppedBySize, _droppedByAge);
        var written = new List<DeadLetter>(entries);
        try
        {
            var now = _timeProvider.GetUtcNow();
            DropExpiredLocked(now);
            foreach (var pending in batch)
            {
                foreach (var draft in pending.Drafts)
                {
                    var entry = DeadLetterJson.Create(draft, _nextId++, now, _options.MaxRawBytes);
                    if (Add(entry, now))
                    {
                        written.Add(entry);
                    }
                }
            }

            WriteGroupLocked();
            if (_durable)
            {
                _active?.Flush(flushToDisk: true);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A full or failing disk (or a bug here) must not reach the callers: their entries are counted as not written,
            // and a waiting appender is never left hanging.
            Failed(entries, ex.Message);
            RecoverLocked();
            Complete(batch, false);
            return;
        }
        finally
        {
            if (dropped != (_droppedBySize, _droppedByAge))
            {
                WriteStateLocked();
            }
        }

        foreach (var entry in written)
        {
            _metrics?.Written(entry);
        }

        Complete(batch, true);
    }

    // One line into the group of the active segment; the segment rotates and the oldest ones go as the bounds need.
    private bool Add(DeadLetter entry, DateTimeOffset now)
    {
        _line.ResetWrittenCount();
        DeadLetterJson.WriteLine(_line, entry);
        long length = _line.WrittenCount;
        if (length > _options.MaxBytes)
        {
            // Never fits: dropped by size, like the entries of a deleted segment.
            _droppedBySize++;
            _metrics?.Dropped(1, "size");
            return false;
        }

        if (_activeSegment is { Count: > 0 } active
            && (active.Bytes + length > _options.EffectiveSegmentBytes || active.OldestAt < now - _options.MaxAge / 16))
        {
            CloseActiveLocked();
        }

        while (_bytes + length > _options.MaxBytes && _segments.Count > 0)
        {
            DropOldestLocked("MaxBytes");
        }

        if (_activeSegment is null)
        {
            _activeSegment = new DeadLetterSegment(Path.Combine(_directory, DeadLetterSegment.FileName(entry.Id)), entry.Id);
            _segments.Add(_activeSegment);
        }

        _group.Write(_line.WrittenSpan);
        _activeSegment.Added(length, entry.At);
        _count++;
        _bytes += length;
        return true;
    }

    // The group's lines to the active segment's file (opened on first use).
    private void WriteGroupLocked()
    {
        if (_group.WrittenCount == 0 || _activeSegment is null)
        {
            return;
        }

        _active ??= new FileStream(_activeSegment.Path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 1);
        _active.Write(_group.WrittenSpan);
        _group.ResetWrittenCount();
    }

    // The active segment is done: what it has is written (and fsynced), the next append starts a new one.
    private void CloseActiveLocked()
    {
        try
        {
            WriteGroupLocked();
            if (_durable)
            {
                _active?.Flush(flushToDisk: true);
            }
        }
        finally
        {
            _active?.Dispose();
            _active = null;
            _activeSegment = null;
        }
    }

    private void DropOldestLocked(string bound)
    {
        var oldest = _segments[0];
        if (oldest == _activeSegment)
        {
            CloseActiveLocked();
        }

        File.Delete(oldest.Path);
        _segments.RemoveAt(0);
        _count -= oldest.Count;
        _bytes -= oldest.Bytes;
        if (bound == "MaxAge")
        {
            _droppedByAge += oldest.Count;
            _metrics?.Dropped(oldest.Count, "age");
        }
        else
        {
            _droppedBySize += oldest.Count;
            _metrics?.Dropped(oldest.Count, "size");
        }

        DeadLetterLog.SegmentDropped(_logger, oldest.Count, bound);
    }

    // Segments whose newest entry is past MaxAge.
    private void DropExpiredLocked(DateTimeOffset now)
    {
        var cutoff = now - _options.MaxAge;
        while (_segments.Count > 0 && _segments[0].NewestAt < cutoff)
        {
            DropOldestLocked("MaxAge");
        }
    }

    // After a failed write: the files are what counts. Torn lines are cut off, the counts read again.
    private void RecoverLocked()
    {
        _group.ResetWrittenCount();
        try
        {
            _active?.Dispose();
        }
        catch (IOException)
        {
            // The handle is gone either way.
        }

        _active = null;
        _activeSegment = null;
        _segments.Clear();
        _count = 0;
        _bytes = 0;
        var next = _nextId;
        try
        {
            LoadLocked();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            DeadLetterLog.WriteFailed(_logger, 0, _directory, "the files could not be read again: " + ex.Message);
        }

        _nextId = Math.Max(_nextId, next);
    }

    private static void Complete(List<PendingAppend> batch, bool written)
    {
        foreach (var pending in batch)
        {
            pending.Done.TrySetResult(written);
        }
    }

    private void Failed(long count, string error)
    {
        Interlocked.Add(ref _writeFailures, count);
        _metrics?.Dropped(count, "write_failure");
        DeadLetterLog.WriteFailed(_logger, count, _directory, error);
    }
}
