using System.Threading.Channels;
using FASTER.core;

namespace Personalization.Storage;

/// <summary>
/// An append-only log on FASTER's <see cref="FasterLog"/> with group commit: appends are cheap and not yet durable;
/// <see cref="WaitForDurableAsync"/> asks for a commit (an fsync) and waits for it, and every append made while a
/// commit is pending shares it. The engine's durable queues (the delivery outbox, the ingest log) are built on it.
/// </summary>
/// <remarks>
/// The commit window is I/O pacing, not pipeline time, so it runs on the system clock even when the pipeline runs on
/// a fake one: a test clock must not hold the disk back.
/// </remarks>
internal sealed class AppendLog : IAsyncDisposable
{
    private readonly IDevice _device;
    private readonly FasterLog _log;
    private readonly TimeSpan _commitWindow;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _committer;

    private AppendLog(IDevice device, FasterLog log, TimeSpan commitWindow)
    {
        _device = device;
        _log = log;
        _commitWindow = commitWindow;
        _committer = Task.Run(CommitLoopAsync);
    }

    /// <summary>Opens (or recovers, up to its last commit) the log <paramref name="fileName"/> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The log's directory; its commit records go to a <c>commits</c> directory inside.</param>
    /// <param name="fileName">The log file's name (FASTER adds a segment number).</param>
    /// <param name="memoryBytes">The in-memory buffer (rounded down to a power of two, at least 1 MiB); pages are a
    /// quarter of it, at most 4 MiB. Appends wait when the buffer is full of pages not yet written.</param>
    /// <param name="commitWindow">The shortest time between the starts of two commits: appends made meanwhile share the
    /// next commit. Zero commits as soon as asked.</param>
    /// <param name="deviceFactory">Creates the device from the log file's path (tests use a device that fails on
    /// demand); the default is a local file device.</param>
    public static AppendLog Open(string directory, string fileName, long memoryBytes, TimeSpan commitWindow,
        Func<string, IDevice>? deviceFactory = null)
    {
        Directory.CreateDirectory(directory);
        var memoryBits = Math.Max(20, (int)Math.Log2(memoryBytes));
        var pageBits = Math.Min(22, memoryBits - 2);
        var path = Path.Combine(directory, fileName);
        var device = deviceFactory is null
            ? Devices.CreateLogDevice(path, preallocateFile: false, recoverDevice: true)
            : deviceFactory(path);
        try
        {
            var log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogCommitDir = Path.Combine(directory, "commits"),
                PageSizeBits = pageBits,
                MemorySizeBits = memoryBits,
                SegmentSizeBits = 26,
                // Commit metadata goes into the log itself: one write per commit instead of a new file each time.
                FastCommitMode = true,
            });
            return new AppendLog(device, log, commitWindow);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>The first address still in the log.</summary>
    public long BeginAddress => _log.BeginAddress;

    /// <summary>The address after the last append.</summary>
    public long TailAddress => _log.TailAddress;

    /// <summary>The address up to which everything is durable.</summary>
    public long CommittedUntilAddress => _log.CommittedUntilAddress;

    /// <summary>Appends <paramref name="entry"/> (not yet durable) and returns its address.</summary>
    public long Append(ReadOnlySpan<byte> entry) => _log.Enqueue(entry);

    /// <summary>Asks for a commit soon, without waiting for it.</summary>
    public void RequestCommit() => _requests.Writer.TryWrite(true);

    /// <summary>Waits until the entry at <paramref name="address"/> (and everything before it) is durable.</summary>
    public async ValueTask WaitForDurableAsync(long address, CancellationToken cancellationToken)
    {
        if (_log.CommittedUntilAddress > address)
        {
            return;
        }

        RequestCommit();
        await _log.WaitForCommitAsync(address + 1, token: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits everything appended so far and waits for it.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken) => _log.CommitAsync(cancellationToken);

    /// <summary>The committed entries from <paramref name="from"/> to what is committed now, with the address after each.</summary>
    public IEnumerable<(byte[] Entry, int Length, long Next)> ReadCommitted(long from)
    {
        using var iterator = _log.Scan(from, _log.CommittedUntilAddress, recover: false);
        while (iterator.GetNext(out byte[] entry, out var length, out _, out var next))
        {
            yield return (entry, length, next);
        }
    }

    /// <summary>An iterator that follows the log as entries are committed.</summary>
    public FasterLogScanIterator Follow(long from) => _log.Scan(from, long.MaxValue, recover: false);

    /// <summary>Drops the entries before <paramref name="address"/> and makes that durable.</summary>
    public async ValueTask TruncateUntilAsync(long address, CancellationToken cancellationToken)
    {
        _log.TruncateUntil(address);
        await _log.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // Group commit: requests that come while a commit is pending or running are served by one commit.
    private async Task CommitLoopAsync()
    {
        var requests = _requests.Reader;
        try
        {
            var lastCommit = 0L;
            while (await requests.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                // Commits start at most once per window: an idle log commits at once, a busy one every window (or
                // back to back when an fsync takes longer), and everything appended in between shares the next one.
                var wait = _commitWindow - TimeProvider.System.GetElapsedTime(lastCommit);
                if (lastCommit != 0 && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, TimeProvider.System, _stop.Token).ConfigureAwait(false);
                }

                lastCommit = TimeProvider.System.GetTimestamp();

                while (requests.TryRead(out _))
                {
                }

                try
                {
                    await _log.CommitAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The waiters of this commit see the failure (FasterLog faults their wait); the loop stays up, so
                    // a later request tries again once the device works.
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closing: what is not committed stays as durable as it was.
        }
    }

    /// <summary>Stops committing and closes the log. What was not committed is not durable.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _requests.Writer.TryComplete();
        await _committer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _log.Dispose();
        _device.Dispose();
        _stop.Dispose();
    }
}
