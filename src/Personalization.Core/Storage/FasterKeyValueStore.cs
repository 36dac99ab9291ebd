using FASTER.core;

namespace Personalization.Storage;

/// <summary>
/// <see cref="IKeyValueStore"/> on FASTER KV with variable-length <see cref="SpanByte"/> keys and values: no object
/// log, records are plain bytes in FASTER's hybrid log, so the store spills to disk beyond its memory budget.
/// </summary>
internal sealed class FasterKeyValueStore : IKeyValueStore
{
    private readonly IDevice _logDevice;
    private readonly FasterKV<SpanByte, SpanByte> _store;

    private FasterKeyValueStore(IDevice logDevice, FasterKV<SpanByte, SpanByte> store, bool recovered)
    {
        _logDevice = logDevice;
        _store = store;
        Recovered = recovered;
    }

    /// <inheritdoc />
    public bool Recovered { get; }

    /// <summary>Number of records in the log, including superseded versions (for diagnostics).</summary>
    public long RecordCount => _store.EntryCount;

    /// <summary>Opens the store in <paramref name="storeDirectory"/>, recovering the latest checkpoint if there is one.</summary>
    public static FasterKeyValueStore Open(string storeDirectory, string checkpointDirectory, StoreOptions options)
    {
        Directory.CreateDirectory(storeDirectory);
        Directory.CreateDirectory(checkpointDirectory);
        var device = Devices.CreateLogDevice(Path.Combine(storeDirectory, "hlog.log"), preallocateFile: false, deleteOnClose: false);
        var settings = new FasterKVSettings<SpanByte, SpanByte>
        {
            LogDevice = device,
            IndexSize = options.IndexSizeBytes,
            MemorySize = options.MemoryBudgetBytes,
            PageSize = options.PageSizeBytes,
            CheckpointDir = checkpointDirectory,
            RemoveOutdatedCheckpoints = true,
            TryRecoverLatest = false,
        };
        FasterKV<SpanByte, SpanByte>? store = null;
        try
        {
            store = new FasterKV<SpanByte, SpanByte>(settings);
            var recovered = HasCheckpoint(checkpointDirectory) && TryRecover(store);
            return new FasterKeyValueStore(device, store, recovered);
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
        new FasterKeyValueSession(_store, _store.For(new SpanByteFunctions<Empty>()).NewSession<SpanByteFunctions<Empty>>());

    /// <inheritdoc />
    public async ValueTask CheckpointAsync(CancellationToken cancellationToken)
    {
        var (success, _) = await _store.TakeFullCheckpointAsync(CheckpointType.FoldOver, cancellationToken).ConfigureAwait(false);
        if (!success)
        {
            throw new IOException("The store checkpoint did not complete.");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        _logDevice.Dispose();
        return ValueTask.CompletedTask;
    }
}
