using System.Diagnostics;
using System.Threading.Channels;
using Personalization.Diagnostics;
using Personalization.Ingest;
using Personalization.Storage;

namespace Personalization.Pipeline;

// The ingest log, consistent checkpoints, recovery, erasure and storage failures.
public sealed partial class PersonalizationPipeline
{
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private readonly CancellationTokenSource _stopCheckpoints = new();
    private IngestLog? _ingestLog;
    private CheckpointState? _recoveredState;
    private Task? _checkpointLoop;
    private volatile Exception? _storageFault;

    /// <summary>The storage failure that stopped the pipeline from taking events (an <see cref="IOException"/>), or
    /// <see langword="null"/> while its storage works. Once set, every ingest is rejected with
    /// <see cref="IngestReasons.StorageUnavailable"/> until the pipeline is restarted.</summary>
    public Exception? StorageFault => _storageFault;

    /// <summary>
    /// Takes a consistent checkpoint now: the stages stop at a barrier, the store (profiles, dedupe index, trigger
    /// instances and timers, send ledger) is checkpointed with the ingest-log position it reflects and the clocks,
    /// the stages go on, and the log is truncated below that position. Periodic checkpoints
    /// (<see cref="PersonalizationOptions.CheckpointInterval"/>) and the stop call the same thing.
    /// </summary>
    /// <exception cref="IOException">The checkpoint could not be written; the pipeline is now unhealthy (see <see cref="StorageFault"/>).</exception>
    /// <exception cref="InvalidOperationException">The pipeline is not running.</exception>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>
    /// Erases a user (a privacy request): their profile, their pending trigger instances and decision trace, their
    /// entries in the send ledger and their failed sends in dead letters. The erasure goes through the ingest log in
    /// order with the events, so it survives a crash and an event ingested after it starts a new profile. Completes
    /// when it is durable and applied.
    /// </summary>
    /// <exception cref="IOException">The storage failed; nothing was erased.</exception>
    public async Task EraseUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        EnsureStarted();
        ThrowIfStorageFailed();
        var now = _timeProvider.GetUtcNow();
        var completion = new IngestCompletion(1);
        var entry = _ingestLog is null ? null : IngestLogEntry.ForErase(userId, now);
        var item = PipelineItem.ForErase(userId, completion, Stopwatch.GetTimestamp(), now, entry);
        if (_state != 1 || !await WriteOrStoppedAsync(_ingest.Writer, item, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The pipeline is stopping and takes no more requests.");
        }

        await WaitOrFaultAsync(completion.Completed, cancellationToken).ConfigureAwait(false);
        if (completion.Results[0].Status == IngestStatus.Rejected)
        {
            throw new IOException(completion.Results[0].Message);
        }
    }

    private void OpenIngestLog(string directory)
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return;
        }

        var window = _options.Durability == DurabilityMode.PerEvent ? TimeSpan.Zero : _options.GroupCommitInterval;
        _ingestLog = IngestLog.Open(Path.Combine(directory, "log"), window, _options.IngestLogDeviceFactory);
        _commit = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(_options.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    // The clocks the checkpoint recorded: a recovered pipeline goes on from the time it had, not from the start of time.
    private void RestoreClocks()
    {
        _recoveredState = CheckpointState.Read(_dedupeSession!);
        if (_recoveredState is not { } state)
        {
            return;
        }

        _dedupeWatermark = state.DedupeWatermark;
        if (state.ShardClocks.Length == _shards.Length)
        {
            for (var i = 0; i < _shards.Length; i++)
            {
                _shards[i].RestoreClock(state.ShardClocks[i]);
            }

            return;
        }

        // Another shard count routes users elsewhere: every shard starts from the newest clock.
        var newest = state.ShardClocks.Length == 0 ? DateTimeOffset.MinValue : state.ShardClocks.Max();
        foreach (var shard in _shards)
        {
            shard.RestoreClock(newest);
        }
    }

    // Recovery: everything the log holds after the checkpoint's position goes through the stages again (not appended
    // again, nobody waits for it), before the pipeline takes new events.
    private async Task ReplayIngestLogAsync(CancellationToken cancellationToken)
    {
        if (_ingestLog is not { } log)
        {
            return;
        }

        var from = _recoveredState?.LogPosition ?? log.BeginAddress;
        if (from > log.TailAddress)
        {
            // The log lost commits the checkpoint had seen (a storage failure before the crash): its next entries go
            // where the checkpoint position points, so a checkpoint at once records where the log really ends.
            Log.IngestLogBehindCheckpoint(_logger, from, log.TailAddress);
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        long replayed = 0;
        Log.RecoveryReplayStarting(_logger, from, log.CommittedUntilAddress);
        foreach (var entry in log.ReadCommitted(from))
        {
            await _ingest.Writer.WriteAsync(PipelineItem.ForReplay(entry, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
            if (++replayed % 100_000 == 0)
            {
                Log.RecoveryReplayProgress(_logger, replayed, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }

        var barrier = new PipelineBarrier(_shards.Length, isFinal: false);
        await _ingest.Writer.WriteAsync(PipelineItem.ForBarrier(barrier), cancellationToken).ConfigureAwait(false);
        await WaitOrFaultAsync(barrier.Passed, cancellationToken).ConfigureAwait(false);
        Log.RecoveryReplayed(_logger, replayed, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void StartCheckpointLoop()
    {
        if (_options.CheckpointInterval > TimeSpan.Zero)
        {
            _checkpointLoop = Task.Run(RunCheckpointLoopAsync);
        }
    }

    private async Task RunCheckpointLoopAsync()
    {
        var token = _stopCheckpoints.Token;
        try
        {
            while (true)
            {
                await Task.Delay(_options.CheckpointInterval, _timeProvider, token).ConfigureAwait(false);
                await _checkpointGate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    if (_state != 1 || _storageFault is not null || _fault.Task.IsFaulted)
                    {
                        return;
                    }

                    await CheckpointCoreAsync(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed checkpoint is logged (and marks the storage failed when it is an I/O error); the last
                    // good checkpoint and the log still hold everything.
                    Log.CheckpointFailed(_logger, ex);
                }
                finally
                {
                    _checkpointGate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: the stop takes the last checkpoint.
        }
    }

    // Stops the periodic checkpoints before the stop drains (a checkpoint barrier needs the stages running).
    private async Task StopCheckpointLoopAsync()
    {
        await _stopCheckpoints.CancelAsync().ConfigureAwait(false);
        if (_checkpointLoop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task CheckpointCoreAsync(CancellationToken cancellationToken)
    {
        ThrowIfStorageFailed();
        using var activity = PipelineActivities.Source.StartActivity("personalization.checkpoint");
        var started = Stopwatch.GetTimestamp();
        var barrier = new PipelineBarrier(_shards.Length, isFinal: false, isCheckpoint: true);
        try
        {
            await _ingest.Writer.WriteAsync(PipelineItem.ForBarrier(barrier), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new InvalidOperationException("The pipeline is stopping; its stop takes the last checkpoint.", ex);
        }

        long outboxPoint;
        var paused = 0L;
        var resumed = 0L;
        try
        {
            // Once the barrier is in, the stages wait for it: this wait is not cancellable.
            await WaitOrFaultAsync(barrier.Passed, CancellationToken.None).ConfigureAwait(false);
            paused = Stopwatch.GetTimestamp();

            // Compaction runs while the stages are held, before the checkpoint, so its copies are in the checkpoint:
            // FASTER 2.6 can miss a record that a shard reads from disk while a compaction moves the log's begin
            // address (readers outside the stages retry such misses).
            await MaintainStoreAsync(barrier.DedupeWatermark).ConfigureAwait(false);

            // The stages go on as soon as the store has switched to its next version, while the pages are written.
            outboxPoint = await PersistAsync(new CheckpointState(barrier.LogPosition, barrier.DedupeWatermark, barrier.ShardClocks),
                () =>
                {
                    resumed = Stopwatch.GetTimestamp();
                    barrier.Resume();
                }).ConfigureAwait(false);
        }
        finally
        {
            barrier.Resume();
        }

        await TruncateLogsAsync(barrier.LogPosition, outboxPoint).ConfigureAwait(false);

        // Dead letters past their age go with the checkpoints (appends drop them too, but a quiet store has none).
        _deadLetters?.Trim();
        Log.CheckpointTaken(_logger, barrier.LogPosition, Stopwatch.GetElapsedTime(paused, resumed).TotalMilliseconds,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // With the stages held (or drained): the outbox made durable (the decisions the checkpoint's trigger state has
    // taken must not be lost), the state record written, the store checkpointed. Returns where the outbox may be
    // truncated once the checkpoint stands.
    private async Task<long> PersistAsync(CheckpointState state, Action? versionSwitched = null)
    {
        try
        {
            long outboxPoint = 0;
            if (_delivery is { } delivery)
            {
                outboxPoint = delivery.TruncationPoint;
                await delivery.CommitOutboxAsync(CancellationToken.None).ConfigureAwait(false);
            }

            state.Write(_dedupeSession!);
            _engine?.SaveTimerIndex(_dedupeSession!);
            await _store!.CheckpointAsync(versionSwitched, CancellationToken.None).ConfigureAwait(false);
            return outboxPoint;
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            StorageFailed(ex);
            throw new IOException($"The checkpoint could not be written: {ex.Message}", ex);
        }
    }

    // Keeps the store's disk use bounded: drops the log below what the last checkpoint needs, and compacts (live records
    // copied to the tail, expired dedupe entries dropped) when the store's policy says the log has grown enough.
    private async Task MaintainStoreAsync(DateTimeOffset dedupeWatermark)
    {
        // No dedupe entry that an event still waiting for the dedupe stage could match may expire: in processing time
        // such an event was ingested a little before now, hence the margin.
        var dedupeNow = _clock.Mode == ClockMode.EventTime ? dedupeWatermark : _timeProvider.GetUtcNow() - TimeSpan.FromMinutes(5);
        try
        {
            var result = await _store!.MaintainAsync(dedupeNow, _options.DedupeWindow, CancellationToken.None).ConfigureAwait(false);
            if (result.Compacted)
            {
                Log.StoreCompacted(_logger, result.LogBytesBefore / 1048576.0, result.LogBytesAfter / 1048576.0, result.RecordsCopied,
                    result.DedupeEntriesDropped, result.Elapsed.TotalMilliseconds);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The checkpoint stands; the next one tries again.
            Log.CompactionFailed(_logger, ex);
        }
    }

    private async Task TruncateLogsAsync(long logPosition, long outboxPoint)
    {
        try
        {
            if (_ingestLog is { } log)
            {
                await log.TruncateUntilAsync(logPosition, CancellationToken.None).ConfigureAwait(false);
            }

            if (_delivery is { } delivery && outboxPoint > 0)
            {
                await delivery.TruncateUntilAsync(outboxPoint, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The checkpoint stands; what is not truncated now is truncated by the next one.
            Log.TruncateFailed(_logger, ex);
        }
    }

    // The stop's checkpoint, after every stage has drained: the state reflects the whole log.
    private async Task TakeFinalCheckpointAsync(bool stagesFailed, bool delivered)
    {
        if (_storageFault is not null || (stagesFailed && _ingestLog is not null))
        {
            // What was applied since the last checkpoint is in the log, which the next start replays.
            Log.FinalCheckpointSkipped(_logger, _storageFault?.Message ?? "a stage failed");
            return;
        }

        var clocks = new DateTimeOffset[_shards.Length];
        for (var i = 0; i < clocks.Length; i++)
        {
            clocks[i] = _shards[i].Now;
        }

        var position = _ingestLog?.TailAddress ?? 0;
        await PersistAsync(new CheckpointState(position, _dedupeWatermark, clocks)).ConfigureAwait(false);
        if (_ingestLog is { } log)
        {
            await log.TruncateUntilAsync(position, CancellationToken.None).ConfigureAwait(false);
        }

        if (delivered)
        {
            await _delivery!.TruncateAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void StorageFailed(Exception error)
    {
        var fault = error as IOException ?? new IOException(error.Message, error);
        if (Interlocked.CompareExchange(ref _storageFault, fault, null) is null)
        {
            Log.StorageFailed(_logger, error, Path.GetFullPath(_options.DataDirectory));
        }
    }

    private void ThrowIfStorageFailed()
    {
        if (_storageFault is { } fault)
        {
            throw new IOException(StorageUnavailableMessage(), fault);
        }
    }

    private string StorageUnavailableMessage() =>
        $"The storage of '{_options.DataDirectory}' failed ({_storageFault?.Message}); the pipeline takes no more events until it is restarted.";
}
