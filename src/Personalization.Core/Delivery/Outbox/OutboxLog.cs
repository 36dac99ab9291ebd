using FASTER.core;
using MessagePack;
using Personalization.Storage;

namespace Personalization.Delivery.Outbox;

/// <summary>
/// The durable outbox: an <see cref="AppendLog"/> of <see cref="OutboxRecord"/>s in <c>&lt;data&gt;/outbox</c>.
/// Decisions are appended by the trigger stage and committed (fsync) before delivery reads them, so a decision that
/// delivery acts on is never lost; endings are appended when a send ends. A clean stop empties it (the store
/// checkpoint then holds the ledger); after a crash it holds everything since the last clean stop.
/// </summary>
internal sealed class OutboxLog : IAsyncDisposable
{
    // 16 MiB absorbs a burst of decisions (about 1 to 2 KB each with the profile snapshot) while the disk catches up.
    private const long MemoryBytes = 16L * 1024 * 1024;

    private readonly AppendLog _log;

    private OutboxLog(AppendLog log) => _log = log;

    /// <summary>Opens (or recovers) the outbox in <paramref name="directory"/>.</summary>
    public static OutboxLog Open(string directory) =>
        new(AppendLog.Open(directory, "outbox.log", MemoryBytes, commitWindow: TimeSpan.Zero));

    /// <summary>The first address still in the log.</summary>
    public long BeginAddress => _log.BeginAddress;

    /// <summary>The address after the last append.</summary>
    public long TailAddress => _log.TailAddress;

    /// <summary>Drops the records before <paramref name="address"/> (a checkpoint holds what they said).</summary>
    public ValueTask TruncateUntilAsync(long address, CancellationToken cancellationToken) =>
        address > _log.BeginAddress ? _log.TruncateUntilAsync(address, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Appends a record and asks for a commit (delivery reads only what is committed); returns an address
    /// that is durable once the record is.</summary>
    public long Append(OutboxRecord record)
    {
        _log.Append(MessagePackSerializer.Serialize(record, OutboxRecord.SerializerOptions));
        var end = _log.TailAddress;
        _log.RequestCommit();
        return end;
    }

    /// <summary>Waits until everything before <paramref name="end"/> (an address <see cref="Append"/> returned) is durable.</summary>
    public ValueTask WaitForDurableAsync(long end, CancellationToken cancellationToken) =>
        _log.CommittedUntilAddress >= end ? ValueTask.CompletedTask : _log.WaitForDurableAsync(end - 1, cancellationToken);

    /// <summary>Makes every appended record durable.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken) => _log.CommitAsync(cancellationToken);

    /// <summary>Reads every committed record from <paramref name="from"/>, with the address after each.</summary>
    public IEnumerable<(OutboxRecord Record, long Next)> ReadCommittedWithAddresses(long from)
    {
        foreach (var (entry, length, next) in _log.ReadCommitted(from))
        {
            yield return (Deserialize(entry, length), next);
        }
    }

    /// <summary>An iterator that follows the log as records are committed.</summary>
    public FasterLogScanIterator Follow(long from) => _log.Follow(from);

    /// <summary>Drops everything appended so far (after a checkpoint that holds what it said).</summary>
    public ValueTask TruncateAllAsync(CancellationToken cancellationToken) => _log.TruncateUntilAsync(_log.TailAddress, cancellationToken);

    public static OutboxRecord Deserialize(byte[] entry, int length) =>
        MessagePackSerializer.Deserialize<OutboxRecord>(entry.AsMemory(0, length), OutboxRecord.SerializerOptions);

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
