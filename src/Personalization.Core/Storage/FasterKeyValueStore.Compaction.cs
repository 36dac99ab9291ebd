using System.Diagnostics;
using FASTER.core;
using Personalization.Dedupe;

namespace Personalization.Storage;

/// <summary>
/// Keeping the log's disk use bounded: compaction copies the live records of the log's oldest part to its tail and
/// moves the begin address past that part (dropping expired dedupe entries on the way); the files below the begin
/// address are deleted only once a checkpoint taken after the compaction has completed.
/// </summary>
/// <remarks>
/// Why the wait: the copies are written after the last checkpoint, so recovering that checkpoint undoes them and needs
/// the original records, which are below the new begin address. Only a later checkpoint (which records the new begin
/// address and holds the copies) makes them garbage. FASTER 2.6.5 compacts without deleting files, and its checkpoint
/// deletes the segments below the begin address it recorded, in the background, shortly after it completes;
/// <see cref="TruncateBelowCheckpointedBegin"/> does the same at once, and again after a recovery (a crash between a
/// checkpoint and that deletion leaves the files behind).
/// </remarks>
internal sealed partial class FasterKeyValueStore
{
    private int _activeScans;

    // Only under the maintenance lock (or from TruncateBelowCheckpointedBegin's single caller at a time).
    private long _truncatedUntilAddress;

    /// <summary>The first address still in the log.</summary>
    public long BeginAddress => _store.Log.BeginAddress;

    /// <summary>The address after the last record.</summary>
    public long TailAddress => _store.Log.TailAddress;

    /// <summary>The address below which the log no longer changes in place: how far it may be compacted.</summary>
    public long SafeReadOnlyAddress => _store.Log.SafeReadOnlyAddress;

    /// <summary>The begin address the last completed checkpoint (or the recovered one) recorded.</summary>
    public long CheckpointedBeginAddress => Volatile.Read(ref _checkpointedBeginAddress);

    /// <summary>The size of the log's files in the store directory.</summary>
    public long LogBytesOnDisk
    {
        get
        {
            long bytes = 0;
            foreach (var file in new DirectoryInfo(_storeDirectory).EnumerateFiles(LogFileName + ".*"))
            {
                try
                {
                    bytes += file.Length;
                }
                catch (FileNotFoundException)
                {
                    // Truncation deletes segments in the background.
                }
            }

            return bytes;
        }
    }

    /// <summary>
    /// One round of maintenance, for the pipeline to run right after each checkpoint: deletes the log's files below
    /// the begin address that checkpoint recorded, then compacts if <see cref="StoreCompaction"/> says the log has grown
    /// enough, dropping the dedupe entries that can no longer make an event at or after <paramref name="dedupeNow"/> a
    /// duplicate. Safe while other sessions read and write; a checkpoint waits for it.
    /// </summary>
    /// <param name="dedupeNow">No later than the time the dedupe stage will pass for any event it has not checked yet
    /// (the event-time watermark, or the ingest time of the oldest event not yet deduplicated).</param>
    /// <param name="dedupeWindow">The dedupe window.</param>
    /// <param name="cancellationToken">Cancels the wait for a running checkpoint; a compaction, once started, runs to
    /// its end.</param>
    public async ValueTask<CompactionResult> MaintainAsync(DateTimeOffset dedupeNow, TimeSpan dedupeWindow,
        CancellationToken cancellationToken)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var diskBefore = LogBytesOnDisk;
            var truncatedUntil = TruncateBelowCheckpointedBegin();
            var log = _store.Log;
            if (!_compaction.ShouldCompact(log.BeginAddress, log.SafeReadOnlyAddress))
            {
                var size = log.TailAddress - log.BeginAddress;
                return new CompactionResult(truncatedUntil, false, size, size, diskBefore, LogBytesOnDisk, 0, 0, 0,
                    Stopwatch.GetElapsedTime(started));
            }

            var until = _compaction.ChooseUntilAddress(log.BeginAddress, log.SafeReadOnlyAddress);
            var result = await CompactCoreAsync(until, DedupeIndex.ExpiryCutoffTicks(dedupeNow, dedupeWindow)).ConfigureAwait(false);
            return result with
            {
                TruncatedUntilAddress = truncatedUntil,
                DiskBytesBefore = diskBefore,
                Elapsed = Stopwatch.GetElapsedTime(started),
            };
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>
    /// Compacts the log up to <paramref name="untilAddress"/> (at most the safe read-only address): copies the live
    /// records below it to the tail, drops the dedupe entries seen before <paramref name="dedupeCutoffTicks"/> (UTC
    /// ticks), and moves the begin address up, without deleting any file (see <see cref="TruncateBelowCheckpointedBegin"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="untilAddress"/> is past the safe read-only address.</exception>
    public async ValueTask<CompactionResult> CompactAsync(long untilAddress, long dedupeCutoffTicks, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(untilAddress, _store.Log.SafeReadOnlyAddress);
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await CompactCoreAsync(untilAddress, dedupeCutoffTicks).ConfigureAwait(false);
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>
    /// Deletes the log's files (whole segments) below the begin address the last completed checkpoint recorded: no
    /// recovery reads them, and no read does either (the begin address passed them before that checkpoint). Waits for
    /// the files to be gone. Skipped while a scan of the log runs (it may have started below that address); the next
    /// round catches up. Safe at any time; returns the address the log's files now start at or below.
    /// </summary>
    public long TruncateBelowCheckpointedBegin()
    {
        var address = CheckpointedBeginAddress;
        if (address <= _truncatedUntilAddress || Volatile.Read(ref _activeScans) > 0)
        {
            return _truncatedUntilAddress;
        }

        // The device directly rather than Log.ShiftBeginAddress(truncateLog: true), which deletes in the background:
        // the caller (and its disk-use figures) should see the files gone when this returns.
        _logDevice.TruncateUntilAddress(address);
        _truncatedUntilAddress = address;
        return address;
    }

    /// <summary>Marks a pass over the log's records (see <see cref="CompactionSafeSession"/>): no file is deleted until
    /// it ends.</summary>
    internal ScanLease BeginScan()
    {
        Interlocked.Increment(ref _activeScans);
        return new ScanLease(this);
    }

    internal readonly struct ScanLease : IDisposable
    {
        private readonly FasterKeyValueStore _owner;

        public ScanLease(FasterKeyValueStore owner) => _owner = owner;

        public void Dispose() => Interlocked.Decrement(ref _owner._activeScans);
    }

    // Under the maintenance lock. Compaction is synchronous and long (it reads the compacted range, from disk), so it
    // runs on the thread pool, with its own session.
    private Task<CompactionResult> CompactCoreAsync(long untilAddress, long dedupeCutoffTicks) => Task.Run(() =>
    {
        var started = Stopwatch.GetTimestamp();
        var log = _store.Log;
        var sizeBefore = log.TailAddress - log.BeginAddress;
        var diskBefore = LogBytesOnDisk;
        if (untilAddress <= log.BeginAddress)
        {
            return new CompactionResult(_truncatedUntilAddress, false, sizeBefore, sizeBefore, diskBefore, diskBefore, 0, 0, 0,
                Stopwatch.GetElapsedTime(started));
        }

        var functions = new CountingCompactionFunctions();
        var dedupe = new DedupeExpiryCompactionFunctions(dedupeCutoffTicks);
        using (var session = _store.For(functions).NewSession<CountingCompactionFunctions>())
        {
            session.Compact(untilAddress, CompactionType.Lookup, dedupe);
        }

        var sizeAfter = log.TailAddress - log.BeginAddress;
        _compaction.Compacted(log.BeginAddress, sizeAfter);
        return new CompactionResult(_truncatedUntilAddress, true, sizeBefore, sizeAfter, diskBefore, LogBytesOnDisk,
            functions.RecordsCopied, functions.BytesCopied, dedupe.Dropped, Stopwatch.GetElapsedTime(started));
    });
}
