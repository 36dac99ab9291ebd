using FASTER.core;

namespace Personalization.Storage;

/// <summary>
/// The ingest log: every accepted event (and erasure) in the order the dedupe stage took it, in
/// <c>&lt;data&gt;/log</c>. An event is acknowledged only once the commit that covers it is durable; a checkpoint
/// records the address it reflects, recovery replays the log from there, and the log is truncated below it.
/// </summary>
internal sealed class IngestLog : IAsyncDisposable
{
    // 32 MiB of appends in memory (about 60,000 events of ~500 bytes) absorbs a burst while the disk catches up.
    private const long MemoryBytes = 32L * 1024 * 1024;

    private readonly AppendLog _log;

    private IngestLog(AppendLog log) => _log = log;

    /// <summary>Opens (or recovers, up to its last commit) the log in <paramref name="directory"/>.</summary>
    public static IngestLog Open(string directory, TimeSpan commitWindow, Func<string, IDevice>? deviceFactory = null) =>
        new(AppendLog.Open(directory, "ingest.log", MemoryBytes, commitWindow, deviceFactory));

    /// <summary>Whether the log was never truncated: it still holds every entry ever appended.</summary>
    public bool NeverTruncated => _log.BeginAddress <= FirstAddress;

    // FasterLog's first entry goes after the 64-byte header of its first page.
    private const long FirstAddress = 64;

    /// <summary>The first address still in the log.</summary>
    public long BeginAddress => _log.BeginAddress;

    /// <summary>The address after the last append (where the next entry goes).</summary>
    public long TailAddress => _log.TailAddress;

    /// <summary>The address up to which everything is durable.</summary>
    public long CommittedUntilAddress => _log.CommittedUntilAddress;

    /// <summary>Appends <paramref name="entry"/> and returns the address after it.</summary>
    public long Append(ReadOnlySpan<byte> entry)
    {
        _log.Append(entry);
        return _log.TailAddress;
    }

    /// <summary>Waits until everything before <paramref name="end"/> is durable (one fsync covers every entry appended
    /// while it is pending).</summary>
    /// <exception cref="IOException">The log could not be written.</exception>
    public async ValueTask WaitForDurableAsync(long end, CancellationToken cancellationToken)
    {
        if (_log.CommittedUntilAddress >= end)
        {
            return;
        }

        try
        {
            await _log.WaitForDurableAsync(end - 1, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException))
        {
            throw new IOException($"The ingest log could not be committed: {ex.Message}", ex);
        }

        if (_log.CommittedUntilAddress < end)
        {
            throw new IOException("The ingest log commit did not reach the appended entries (the device reported an error).");
        }
    }

    /// <summary>The committed entries from <paramref name="from"/> on.</summary>
    public IEnumerable<IngestLogEntry> ReadCommitted(long from)
    {
        foreach (var (entry, length, _) in _log.ReadCommitted(Math.Max(from, _log.BeginAddress)))
        {
            yield return IngestLogEntry.Read(entry.AsMemory(0, length));
        }
    }

    /// <summary>Drops the entries before <paramref name="address"/> (a checkpoint reflects them) and makes that durable.</summary>
    public ValueTask TruncateUntilAsync(long address, CancellationToken cancellationToken) =>
        address > _log.BeginAddress ? _log.TruncateUntilAsync(address, cancellationToken) : ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
