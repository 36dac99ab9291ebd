using FASTER.core;

namespace Personalization.Storage;

/// <summary>
/// <see cref="IKeyValueStore"/> on FASTER KV with variable-length <see cref="SpanByte"/> keys and values: no object
/// log, records are plain bytes in FASTER's hybrid log, so the store spills to disk beyond its memory budget.
/// </summary>
internal sealed partial class FasterKeyValueStore : IKeyValueStore
{
    private const string LogFileName = "hlog.log";

    private readonly IDevice _logDevice;
    private readonly FasterKV<SpanByte, SpanByte> _store;
    private readonly string _storeDirectory;
    private readonly StoreCompaction _compaction;

    // Checkpoints and compactions never overlap: a compaction's copies must all belong to the version the next
    // checkpoint takes, or that checkpoint would record a begin address past records whose copies it does not hold.
    private readonly SemaphoreSlim _maintenance = new(1, 1);

    // The begin address the last completed checkpoint recorded: the log below it is not needed by any recovery.
    private long _checkpointedBeginAddress;

    private FasterKeyValueStore(IDevice logDevice, FasterKV<SpanByte, SpanByte> store, bool recovered, string storeDirectory,
        StoreOptions options)
    {
        _logDevice = logDevice;
        _store = store;
        Recovered = recovered;
        _storeDirectory = storeDirectory;
        _compaction = new StoreCompaction(options);
        _checkpointedBeginAddress = recovered ? store.Log.BeginAddress : 0;
    }

    /// <inheritdoc />
    public bool Recovered { get; }

    /// <summary>Number of records in the log, including superseded versions (for diagnostics).</summary>
    public long RecordCount => _store.EntryCount;

    /// <summary>Opens the store in <paramref name="storeDirectory"/>, recovering the latest checkpoint if there is one.</summary>
    /// <param name="storeDirectory">The directory of the hybrid log.</param>
    /// <param name="checkpointDirectory">The directory of the checkpoints.</param>
    /// <param name="options">The store's sizes.</param>
    /// <param name="startOverWithoutCheckpoint">When the checkpoint directory holds no complete checkpoint (a crash cut
    /// the very first one short), start a new store instead of failing: the caller still has everything to rebuild it
    /// (an ingest log that was never truncated).</param>
    /// <exception cref="InvalidDataException">No checkpoint can be recovered, and starting over was not allowed.</exception>
    public static FasterKeyValueStore Open(string storeDirectory, string checkpointDirectory, StoreOptions options,
        bool startOverWithoutCheckpoint = false)
    {
        try
        {
            return OpenOnce(storeDirectory, checkpointDirectory, options);
        }
        catch (FasterException ex) when (ex.Message.Contains("valid HybridLog token", StringComparison.Ordinal))
        {
            if (!startOverWithoutCheckpoint)
            {
                throw new InvalidDataException(
                    $"The store in '{Path.GetDirectoryName(Path.GetFullPath(storeDirectory))}' has no complete checkpoint to recover ({ex.Message}).", ex);
            }

            // Nothing was ever checkpointed completely: what the hybrid log holds is not recoverable on its own, and the
            // torn checkpoint would fail every start. Both go; the caller replays its log into the new store.
            Directory.Delete(storeDirectory, recursive: true);
            Directory.Delete(checkpointDirectory, recursive: true);
            return OpenOnce(storeDirectory, checkpointDirectory, options);
        }
    }

    private static FasterKeyValueStore OpenOnce(string storeDirectory, string checkpointDirectory, StoreOptions options)
    {
        Directory.CreateDirectory(storeDirectory);
        Directory.CreateDirectory(checkpointDirectory);
        var device = Devices.CreateLogDevice(Path.Combine(storeDirectory, LogFileName), preallocateFile: false, deleteOnClose: false);
        var settings = new FasterKVSettings<SpanByte, SpanByte>
        {
            LogDevice = device,
            IndexSize = options.IndexSizeBytes,
            MemorySize = options.MemoryBudgetBytes,
            PageSize = options.PageSizeBytes,
            SegmentSize = options.SegmentSizeBytes,
            CheckpointDir = checkpointDirectory,
            RemoveOutdatedCheckpoints = true,
            TryRecoverLatest = false,
        };
        FasterKV<SpanByte, SpanByte>? store = null;
        try
        {
            store = new FasterKV<SpanByte, SpanByte>(settings);
            var recovered = HasCheckpoint(checkpointDirectory) && TryRecover(store);
            return new FasterKeyValueStore(device, store, recovered, storeDirectory, options);
        }
        catch
        {
            store?.Dispose();
            device.Dispose();
            throw;
        }
    }

    private static bool HasCheckpoint(string checkpointDirectory) =>
        Directory.Exists(Path.Combine(checkpointDirectory, "cpr-checkpoints"))
        && Directory.EnumerateFileSystemEntries(Path.Combine(checkpointDirectory, "cpr-checkpoints")).Any();

    private static bool TryRecover(FasterKV<SpanByte, SpanByte> store)
    {
        store.Recover();
        return true;
    }

    /// <inheritdoc />
    public IKeyValueSession OpenSession() =>
        new CompactionSafeSession(_store, this,
            new FasterKeyValueSession(_store, _store.For(new SpanByteFunctions<Empty>()).NewSession<SpanByteFunctions<Empty>>()));

    /// <inheritdoc />
    public ValueTask CheckpointAsync(CancellationToken cancellationToken) => CheckpointAsync(null, cancellationToken);

    /// <summary>
    /// Takes a full FoldOver checkpoint. <paramref name="versionSwitched"/> is called as soon as FASTER has moved to the
    /// next version: every operation from then on belongs to the next checkpoint (FASTER's concurrent prefix recovery
    /// undoes it when this one is recovered), so a caller that held its writers for a consistent cut can let them go
    /// on while the pages are still being written.
    /// </summary>
    public async ValueTask CheckpointAsync(Action? versionSwitched, CancellationToken cancellationToken)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        var switched = versionSwitched;
        try
        {
            // Nothing else moves the begin address while the lock is held, so this is the one the checkpoint records.
            var beginAddress = _store.Log.BeginAddress;
            var version = _store.CurrentVersion;
            var checkpoint = _store.TakeFullCheckpointAsync(CheckpointType.FoldOver, cancellationToken).AsTask();
            if (switched is not null)
            {
                while (!checkpoint.IsCompleted && _store.CurrentVersion == version)
                {
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                }

                switched = null;
                versionSwitched!();
            }

            var (success, _) = await checkpoint.ConfigureAwait(false);
            if (!success)
            {
                throw new IOException("The store checkpoint did not complete.");
            }

            Volatile.Write(ref _checkpointedBeginAddress, beginAddress);
        }
        finally
        {
            _maintenance.Release();

            // Whatever happened, the caller's writers must not stay held.
            switched?.Invoke();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        _logDevice.Dispose();
        _maintenance.Dispose();
        return ValueTask.CompletedTask;
    }
}
