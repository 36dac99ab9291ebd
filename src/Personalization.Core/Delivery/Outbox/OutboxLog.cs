using FASTER.core;
using MessagePack;

namespace Personalization.Delivery.Outbox;

/// <summary>
/// The durable outbox: a FasterLog of <see cref="OutboxRecord"/>s in <c>&lt;data&gt;/outbox</c>. Decisions are
/// appended by the trigger stage and committed (fsync) before delivery reads them, so a decision that delivery acts
/// on is never lost; endings are appended when a send ends. A clean stop empties it (the store checkpoint then holds
/// the ledger); after a crash it holds everything since the last clean stop.
/// </summary>
internal sealed class OutboxLog : IDisposable
{
    private readonly IDevice _device;
    private readonly FasterLog _log;

    private OutboxLog(IDevice device, FasterLog log)
    {
        _device = device;
        _log = log;
    }

    public static OutboxLog Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var device = Devices.CreateLogDevice(Path.Combine(directory, "outbox.log"), preallocateFile: false, recoverDevice: true);
        try
        {
            var log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogCommitDir = Path.Combine(directory, "commits"),
                PageSizeBits = 21,
                MemorySizeBits = 24,
                SegmentSizeBits = 26,
                FastCommitMode = true,
            });
            return new OutboxLog(device, log);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>The first address still in the log.</summary>
    public long BeginAddress => _log.BeginAddress;

    /// <summary>The address after the last appended record.</summary>
    public long TailAddress => _log.TailAddress;

    /// <summary>Appends a record (not yet durable: see <see cref="CommitAsync"/>).</summary>
    public void Append(OutboxRecord record) => _log.Enqueue(MessagePackSerializer.Serialize(record, OutboxRecord.SerializerOptions));

    /// <summary>Makes every appended record durable.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken) => _log.CommitAsync(cancellationToken);

    /// <summary>Reads every committed record from <paramref name="from"/> to what is committed now.</summary>
    public IEnumerable<(OutboxRecord Record, long Next)> ReadCommitted(long from)
    {
        using var iterator = _log.Scan(from, _log.CommittedUntilAddress, recover: false);
        while (iterator.GetNext(out byte[] entry, out var length, out _, out var next))
        {
            yield return (MessagePackSerializer.Deserialize<OutboxRecord>(entry.AsMemory(0, length), OutboxRecord.SerializerOptions), next);
        }
    }

    /// <summary>An iterator that follows the log as records are committed.</summary>
    public FasterLogScanIterator Follow(long from) => _log.Scan(from, long.MaxValue, recover: false);

    /// <summary>Drops everything before the tail and commits that (after a checkpoint that holds what it said).</summary>
    public async ValueTask TruncateAllAsync(CancellationToken cancellationToken)
    {
        _log.TruncateUntil(_log.TailAddress);
        await _log.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public static OutboxRecord Deserialize(byte[] entry, int length) =>
        MessagePackSerializer.Deserialize<OutboxRecord>(entry.AsMemory(0, length), OutboxRecord.SerializerOptions);

    public void Dispose()
    {
        _log.Dispose();
        _device.Dispose();
    }
}
