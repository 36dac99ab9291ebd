using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Personalization.DeadLetters;

/// <summary>
/// The dead letters of one data directory, in <c>&lt;data&gt;/deadletters/</c>: JSON Lines in segment files named by
/// their first id, closed at <see cref="DeadLetterOptions.EffectiveSegmentBytes"/>; the bounds are kept by deleting the
/// oldest segment. <c>state.json</c> keeps the next id and the drop counters across restarts.
/// </summary>
/// <remarks>
/// Appends are queued and written by one writer (a loop, or any operation that takes the lock first), so every
/// append waiting at the same time shares one write and one fsync. Every operation under the lock first writes what
/// is queued: a read sees every append that was queued before it, and <see cref="RemoveUser"/> also removes an entry
/// queued just before the erasure.
/// </remarks>
internal sealed partial class DeadLetterStore : IDeadLetterStore, IDisposable
{
    /// <summary>The store's directory inside the data directory.</summary>
    public const string DirectoryName = "deadletters";

    private const string StateFileName = "state.json";
    private const int QueueCapacity = 1024;

    private readonly object _gate = new(); // guards everything below, and the files
    private readonly string _directory;
    private readonly DeadLetterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly bool _durable;
    private readonly ILogger _logger;
    private readonly DeadLetterMetrics? _metrics;
    private readonly Channel<PendingAppend> _queue;
    private readonly List<DeadLetterSegment> _segments = [];
    private long _nextId = 1;
    private long _count;
    private long _bytes;
    private long _droppedBySize;
    private long _droppedByAge;
    private long _writeFailures;
    private bool _closed;

    private DeadLetterStore(string directory, DeadLetterOptions options, TimeProvider timeProvider, bool durable, Meter? meter, ILogger? logger)
    {
        _directory = directory;
        _options = options;
        _timeProvider = timeProvider;
        _durable = durable;
        _logger = logger ?? NullLogger.Instance;
        _metrics = meter is null ? null : new DeadLetterMetrics(meter);
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = false,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>
    /// Opens (or creates) the store in <paramref name="directory"/>: a torn last line left by a crash is cut off, ids go
    /// on after the highest one ever written.
    /// </summary>
    /// <param name="directory">The store's directory, <c>&lt;data&gt;/deadletters</c>.</param>
    /// <param name="options">The bounds; validated with the pipeline's options.</param>
    /// <param name="timeProvider">The clock of <see cref="DeadLetter.At"/> and of the age bound.</param>
    /// <param name="durable">Whether an append completes only once fsynced (<see langword="false"/> with
    /// <see cref="Pipeline.DurabilityMode.None"/>: once written).</param>
    /// <param name="meter">Where the <c>personalization.deadletters.*</c> counters go; none when <see langword="null"/>.</param>
    /// <param name="logger">Where failures and drops are logged.</param>
    /// <exception cref="IOException">The directory cannot be read or created.</exception>
    public static DeadLetterStore Open(string directory, DeadLetterOptions options, TimeProvider timeProvider, bool durable = true,
        Meter? meter = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var store = new DeadLetterStore(directory, options, timeProvider, durable, meter, logger);
        Directory.CreateDirectory(directory);
        lock (store._gate)
        {
            store.LoadLocked();
        }

        DeadLetterLog.Opened(store._logger, directory, store._count, store._segments.Count, store._nextId);
        _ = Task.Run(store.WriteLoopAsync);
        return store;
    }

    /// <inheritdoc />
    public DeadLetterStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                DrainLocked();
                return new DeadLetterStatistics(_count, _bytes, _droppedBySize, _droppedByAge, Interlocked.Read(ref _writeFailures));
            }
        }
    }

    /// <summary>Writes what is queued and closes the files. Reads keep working (from the files); appends fail.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            DrainLocked();
            CloseActiveLocked();
            _closed = true;
        }
    }

    // Reads the segments and the state file; cuts a torn last line off.
    private void LoadLocked()
    {
        foreach (var temporary in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            File.Delete(temporary);
        }

        var highest = 0L;
        var paths = Directory.EnumerateFiles(_directory, "*" + DeadLetterSegment.Extension).Order(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!DeadLetterSegment.TryParseFirstId(path, out var firstId))
            {
                continue;
            }

            var segment = Scan(path, firstId, out var lastId);
            _segments.Add(segment);
            _count += segment.Count;
            _bytes += segment.Bytes;
            highest = Math.Max(highest, Math.Max(lastId, firstId - 1));
        }

        _nextId = Math.Max(ReadState(), highest + 1);
    }

    // Counts the lines and parses only the first and the last one: entries are written in time order, so they bound
    // the segment's times (a start does not parse every entry of a full store). A damaged first or last line means a
    // full parse.
    private DeadLetterSegment Scan(string path, long firstId, out long lastId)
    {
        var segment = new DeadLetterSegment(path, firstId);
        DeadLetter? first = null;
        var lastOffset = -1L;
        var lastLength = 0;
        foreach (var (line, offset) in DeadLetterSegment.ReadLines(path))
        {
            segment.Count++;
            segment.Bytes = offset + line.Length + 1;
            first ??= segment.Count == 1 ? DeadLetterJson.TryParse(line.Span) : null;
            (lastOffset, lastLength) = (offset, line.Length);
        }

        var last = lastOffset < 0 ? null : ReadLine(path, lastOffset, lastLength);
        if (segment.Count > 0 && (first is null || last is null))
        {
            FullScan(segment);
        }
        else if (first is not null && last is not null)
        {
            segment.OldestAt = first.At < last.At ? first.At : last.At;
            segment.NewestAt = first.At < last.At ? last.At : first.At;
        }

        lastId = Math.Max(firstId - 1, last?.Id ?? segment.LastId);
        var length = new FileInfo(path).Length;
        if (length > segment.Bytes)
        {
            DeadLetterLog.TornLineDropped(_logger, path, length - segment.Bytes);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
            file.SetLength(segment.Bytes);
            file.Flush(flushToDisk: true);
        }

        return segment;
    }

    private static DeadLetter? ReadLine(string path, long offset, int length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[length];
        return RandomAccess.Read(handle, bytes, offset) == length ? DeadLetterJson.TryParse(bytes) : null;
    }

    private static void FullScan(DeadLetterSegment segment)
    {
        foreach (var (line, _) in DeadLetterSegment.ReadLines(segment.Path))
        {
            if (DeadLetterJson.TryParse(line.Span) is { } entry)
            {
                segment.OldestAt = entry.At < segment.OldestAt ? entry.At : segment.OldestAt;
                segment.NewestAt = entry.At > segment.NewestAt ? entry.At : segment.NewestAt;
                segment.LastId = Math.Max(segment.LastId, entry.Id);
            }
        }
    }

    private long ReadState()
    {
        var path = Path.Combine(_directory, StateFileName);
        try
        {
            if (!File.Exists(path))
            {
                return 1;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            // After a failed write the counters in memory may be ahead of the file.
            _droppedBySize = Math.Max(_droppedBySize, root.GetProperty("dropped_by_size").GetInt64());
            _droppedByAge = Math.Max(_droppedByAge, root.GetProperty("dropped_by_age").GetInt64());
            return root.GetProperty("next_id").GetInt64();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            DeadLetterLog.StateFailed(_logger, path, ex.Message);
            return 1;
        }
    }

    // After entries went (dropped, purged, removed): the next id and the counters, so ids are never reused and the
    // counters survive a restart. Atomic: temp file, fsync, rename.
    private void WriteStateLocked()
    {
        var path = Path.Combine(_directory, StateFileName);
        try
        {
            var temporary = path + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(file))
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("next_id", _nextId);
                    writer.WriteNumber("dropped_by_size", _droppedBySize);
                    writer.WriteNumber("dropped_by_age", _droppedByAge);
                    writer.WriteEndObject();
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DeadLetterLog.StateFailed(_logger, path, ex.Message);
        }
    }

    private void ThrowIfClosedLocked() => ObjectDisposedException.ThrowIf(_closed, this);
}
