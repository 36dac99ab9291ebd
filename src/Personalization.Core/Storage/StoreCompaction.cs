namespace Personalization.Storage;

/// <summary>
/// Decides when the store's log is compacted and how far. Every update after a checkpoint appends a new version of
/// its record, so under steady traffic the log is mostly superseded versions; compaction copies the live records of
/// its oldest part to the tail and drops that part. Compacting costs a copy of the live records, so it waits until the
/// on-disk part of the log is a multiple of the live data: the cost per byte given back then stays constant.
/// </summary>
/// <remarks>Not thread-safe: the store calls it under its maintenance lock.</remarks>
internal sealed class StoreCompaction
{
    private readonly long _minLogBytes;
    private readonly double _triggerRatio;
    private readonly long _maxBytesPerRun;

    // Where the compaction under way ends: it was decided when the log crossed the threshold, and runs one bounded slice
    // per checkpoint until the begin address reaches it. 0 when none is under way.
    private long _target;

    public StoreCompaction(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _minLogBytes = options.CompactionMinLogBytes;
        _triggerRatio = options.CompactionTriggerRatio;
        _maxBytesPerRun = options.CompactionMaxBytesPerCheckpoint;
    }

    /// <summary>The estimate of the live data: the log's size right after the last compaction, 0 before the first.</summary>
    /// <remarks>An overestimate (the part of the log above the compacted range is counted whole), which only makes
    /// compaction a little rarer.</remarks>
    public long LiveBytesEstimate { get; private set; }

    /// <summary>The size the on-disk part of the log must exceed before it is compacted.</summary>
    public long ThresholdBytes => Math.Max(_minLogBytes, (long)(LiveBytesEstimate * _triggerRatio));

    /// <summary>Whether the log from <paramref name="beginAddress"/> to <paramref name="safeReadOnlyAddress"/> (the
    /// part that no longer changes in place, and so may be compacted) should be compacted now: it has crossed the
    /// threshold, or a compaction under way has slices left.</summary>
    public bool ShouldCompact(long beginAddress, long safeReadOnlyAddress)
    {
        if (_target > beginAddress)
        {
            return true;
        }

        _target = 0;
        if (safeReadOnlyAddress - beginAddress <= ThresholdBytes)
        {
            return false;
        }

        // The whole read-only part, as of now: a FoldOver checkpoint has made everything up to the tail read-only,
        // so that is the whole log but what was written since. Records copied meanwhile land above it.
        _target = safeReadOnlyAddress;
        return true;
    }

    /// <summary>How far this run compacts: the next slice of the compaction under way, at most
    /// <see cref="StoreOptions.CompactionMaxBytesPerCheckpoint"/>, so that one run holds the pipeline for a bounded time.</summary>
    public long ChooseUntilAddress(long beginAddress, long safeReadOnlyAddress) =>
        Math.Max(beginAddress, Math.Min(Math.Min(_target, safeReadOnlyAddress), beginAddress + _maxBytesPerRun));

    /// <summary>Records the log's size (tail minus begin) after a run; the estimate of the live data is taken once the
    /// compaction under way has reached its target.</summary>
    public void Compacted(long beginAddress, long logBytesAfter)
    {
        if (beginAddress >= _target)
        {
            _target = 0;
            LiveBytesEstimate = logBytesAfter;
        }
    }
}
