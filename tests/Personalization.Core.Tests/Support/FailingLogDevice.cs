using FASTER.core;

namespace Personalization.Tests.Support;

/// <summary>
/// A FASTER device over a real log file that fails on demand: while <see cref="Failing"/> is on, every write completes
/// with an I/O error code (as a full or dead disk would), and reads still work. Everything else is forwarded.
/// </summary>
public sealed class FailingLogDevice : IDevice
{
    // ERROR_DISK_FULL on Windows, ENOSPC's neighbour elsewhere: any non-zero code is a failed write to FASTER.
    private const uint WriteError = 112;

    private readonly IDevice _inner;
    private int _failing;
    private int _failedWrites;

    public FailingLogDevice(string path) => _inner = Devices.CreateLogDevice(path, preallocateFile: false, recoverDevice: true);

    /// <summary>Whether writes fail now.</summary>
    public bool Failing
    {
        get => Volatile.Read(ref _failing) == 1;
        set => Volatile.Write(ref _failing, value ? 1 : 0);
    }

    /// <summary>How many writes failed so far.</summary>
    public int FailedWrites => Volatile.Read(ref _failedWrites);

    public uint SectorSize => _inner.SectorSize;

    public string FileName => _inner.FileName;

    public long Capacity => _inner.Capacity;

    public long SegmentSize => _inner.SegmentSize;

    public int StartSegment => _inner.StartSegment;

    public int EndSegment => _inner.EndSegment;

    public int ThrottleLimit
    {
        get => _inner.ThrottleLimit;
        set => _inner.ThrottleLimit = value;
    }

    public void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false) =>
        _inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);

    public bool TryComplete() => _inner.TryComplete();

    public bool Throttle() => _inner.Throttle();

    public void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite,
        DeviceIOCompletionCallback callback, object context)
    {
        if (Failing)
        {
            Fail(callback, context);
            return;
        }

        _inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);
    }

    public void WriteAsync(IntPtr alignedSourceAddress, ulong alignedDestinationAddress, uint numBytesToWrite,
        DeviceIOCompletionCallback callback, object context)
    {
        if (Failing)
        {
            Fail(callback, context);
            return;
        }

        _inner.WriteAsync(alignedSourceAddress, alignedDestinationAddress, numBytesToWrite, callback, context);
    }

    public void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength,
        DeviceIOCompletionCallback callback, object context) =>
        _inner.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);

    public void ReadAsync(ulong alignedSourceAddress, IntPtr alignedDestinationAddress, uint alignedReadLength,
        DeviceIOCompletionCallback callback, object context) =>
        _inner.ReadAsync(alignedSourceAddress, alignedDestinationAddress, alignedReadLength, callback, context);

    public void TruncateUntilAddressAsync(long toAddress, AsyncCallback callback, IAsyncResult result) =>
        _inner.TruncateUntilAddressAsync(toAddress, callback, result);

    public void TruncateUntilAddress(long toAddress) => _inner.TruncateUntilAddress(toAddress);

    public void TruncateUntilSegmentAsync(int toSegment, AsyncCallback callback, IAsyncResult result) =>
        _inner.TruncateUntilSegmentAsync(toSegment, callback, result);

    public void TruncateUntilSegment(int toSegment) => _inner.TruncateUntilSegment(toSegment);

    public void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
        _inner.RemoveSegmentAsync(segment, callback, result);

    public void RemoveSegment(int segment) => _inner.RemoveSegment(segment);

    public long GetFileSize(int segment) => _inner.GetFileSize(segment);

    public void Reset() => _inner.Reset();

    public void Dispose() => _inner.Dispose();

    // Completes like a real device: later, on another thread, with the error code.
    private void Fail(DeviceIOCompletionCallback callback, object context)
    {
        Interlocked.Increment(ref _failedWrites);
        ThreadPool.UnsafeQueueUserWorkItem(_ => callback(WriteError, 0, context), null);
    }
}
