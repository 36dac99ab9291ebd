using System.Diagnostics;
using Personalization.Diagnostics;

namespace Personalization.Pipeline;

// Stopping: drain every stage (delivery included), checkpoint, close; and disposing.
public sealed partial class PersonalizationPipeline
{
    /// <summary>
    /// Stops taking events, drains every stage (every accepted event is applied), checkpoints the store and closes it.
    /// </summary>
    /// <remarks><paramref name="cancellationToken"/> bounds how long the caller waits, not the drain: a cancelled stop
    /// still applies and checkpoints every accepted event and closes the store when the stages are done, and
    /// <see cref="DisposeAsync"/> waits for that.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task closing;
        try
        {
            if (_state == 1)
            {
                _state = 2;
                _ticker?.Dispose();
                _closing = StopCheckpointsThenDrainAsync();
            }

            closing = _closing ?? Task.CompletedTask;
        }
        finally
        {
            _lifecycle.Release();
        }

        await closing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // A periodic checkpoint in progress finishes first (its barrier needs the stages running); then the ingest closes.
    private async Task StopCheckpointsThenDrainAsync()
    {
        await StopCheckpointLoopAsync().ConfigureAwait(false);
        await _checkpointGate.WaitAsync().ConfigureAwait(false);
        _ingest.Writer.TryComplete();
        _checkpointGate.Release();
        await DrainAndCloseAsync().ConfigureAwait(false);
    }

    // Runs to the end whatever the stop's caller does: closing the store under running shards would lose what they apply.
    private async Task DrainAndCloseAsync()
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = PipelineActivities.Source.StartActivity("personalization.stop");
        try
        {
            var stagesFailed = true;
            try
            {
                await Task.WhenAll(_stageTasks).ConfigureAwait(false);
                stagesFailed = false;
            }
            finally
            {
                // Every decision the stages made is delivered (or dead-lettered) before the checkpoint, so the
                // checkpoint's ledger holds every send and the outbox can be emptied after it.
                var delivered = await DrainDeliveryAsync().ConfigureAwait(false);

                // Without an ingest log, even after a stage failed, what the other stages applied is worth keeping.
                await TakeFinalCheckpointAsync(stagesFailed, delivered).ConfigureAwait(false);
            }
        }
        finally
        {
            // Refuse new readers before waiting for the current ones: under a steady read load the reader count
            // would otherwise never reach zero, and the stop would never finish. The barrier orders this write
            // before the reader count is read (RentReader increments, then reads the state).
            _state = 3;
            Interlocked.MemoryBarrier();
            await CloseStorageAsync().ConfigureAwait(false);
        }

        Log.PipelineStopped(_logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// For tests: what a crash leaves behind. The stages stop without a checkpoint, sends in flight are abandoned, the
    /// ingest log and the outbox close without a last commit, and the directory lock is released; the next pipeline on
    /// the directory recovers from the last checkpoint and the logs, as after a kill.
    /// </summary>
    internal async Task AbandonAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_state != 1)
            {
                throw new InvalidOperationException("Only a running pipeline can be abandoned.");
            }

            _state = 3;
            _ticker?.Dispose();
            await StopCheckpointLoopAsync().ConfigureAwait(false);
            await _checkpointGate.WaitAsync().ConfigureAwait(false);
            _ingest.Writer.TryComplete();
            await Task.WhenAll(_stageTasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await CloseStorageAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    // Undoes a partly done OpenStorage.
    private async ValueTask ReleaseStorageAsync()
    {
        foreach (var shard in _shards)
        {
            shard?.Dispose();
        }

        _shards = [];
        _engine?.Detach();
        if (_delivery is not null)
        {
            await _delivery.DisposeAsync().ConfigureAwait(false);
            _delivery = null;
        }

        _deadLetters?.Dispose();
        _deadLetters = null;

        _dedupeSession?.Dispose();
        _dedupeSession = null;
        _dedupe = null;
        _aliasSession?.Dispose();
        _aliasSession = null;
        _aliases = null;
        if (_ingestLog is not null)
        {
            await _ingestLog.DisposeAsync().ConfigureAwait(false);
            _ingestLog = null;
        }

        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
            _store = null;
        }

        _lock?.Dispose();
        _lock = null;
    }

    private async Task CloseStorageAsync()
    {
        WaitForReaders();
        foreach (var shard in _shards)
        {
            shard.Dispose();
        }

        _engine?.Detach();
        if (_delivery is not null)
        {
            await _delivery.DisposeAsync().ConfigureAwait(false);
        }

        // Closed for appends; the store stays readable (DeadLetters) after the stop.
        _deadLetters?.Dispose();
        _dedupeSession?.Dispose();
        _aliasSession?.Dispose();
        if (_ingestLog is not null)
        {
            await _ingestLog.DisposeAsync().ConfigureAwait(false);
        }

        while (_readerSessions.TryTake(out var session))
        {
            session.Dispose();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }

        _lock?.Dispose();
    }

    /// <summary>Stops the pipeline gracefully (see <see cref="StopAsync"/>) if it is running, and releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == 1)
        {
            await StopAsync().ConfigureAwait(false);
        }

        // A stop whose caller gave up waiting is still draining: the store closes when it is done.
        if (_closing is { } closing)
        {
            await closing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _state = 3;
        _metrics.Dispose();
        switch (_options.Delivery.Dispatcher)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
