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

    public StoreCompaction(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _minLogBytes = options.CompactionMinLogBytes;
        _triggerRatio = options.CompactionTriggerRatio;
    }

    /// <summary>The estimate of the live data: the log's size right after the last compaction, 0 before the first.</summary>
    /// <remarks>An overestimate (the part of the log above the compacted range is counted whole), which only makes
    /// compaction a little rarer.</remarks>
    public long LiveBytesEstimate { get; private set; }

    /// <summary>The size the on-disk part of the log must exceed before it is compacted.</summary>
    public long ThresholdBytes => Math.Max(_minLogBytes, (long)(LiveBytesEstimate * _triggerRatio));

    /// <summary>Whether the log from <paramref name="beginAddress"/> to <paramref name="safeReadOnlyAddress"/> (the
    /// part that no longer changes in place, and so may be compacted) should be compacted now.</summary>
    public bool ShouldCompact(long beginAddress, long safeReadOnlyAddress) =>
        safeReadOnlyAddress - beginAddress > ThresholdBytes;

    /// <summary>How far to compact: the whole read-only part. A FoldOver checkpoint has just made everything up to
    /// the tail read-only, so that is the whole log but the records written since.</summary>
    public static long ChooseUntilAddress(long beginAddress, long safeReadOnlyAddress) =>
        Math.Max(beginAddress, safeReadOnlyAddress);

    /// <summary>Records the log's size (tail minus begin) right after a compaction.</summary>
    public void Compacted(long logBytesAfter) => LiveBytesEstimate = logBytesAfter;
}
