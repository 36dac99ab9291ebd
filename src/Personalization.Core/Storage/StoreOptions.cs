namespace Personalization.Storage;

/// <summary>Sizes of the embedded store. The defaults suit a few million profiles on a small machine.</summary>
public sealed class StoreOptions
{
    /// <summary>Bytes of memory the store's in-memory log may use before older records spill to disk.</summary>
    /// <value>The default is 256 MiB. Must be a power of two of at least 16 MiB.</value>
    public long MemoryBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Profiles each shard keeps as objects after applying an event to them, so that the next event of the same user
    /// (most events come in visits) does not deserialize the stored profile again. The store is still written on every
    /// event; this only spares reads. Each cached profile takes a few kilobytes of memory.
    /// </summary>
    /// <value>The default is 2,048 per shard. Between 0 (off) and 1,048,576.</value>
    public int ProfileCacheSize { get; set; } = 2048;

    /// <summary>Bytes of the store's hash index (64 bytes per bucket, 7 keys per bucket before overflow).</summary>
    /// <value>The default is 32 MiB (about 3.5 million keys without overflow). Must be a power of two of at least 64 KiB.</value>
    public long IndexSizeBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Bytes of one page of the store's log.</summary>
    /// <value>The default is 4 MiB. Must be a power of two between 64 KiB and a quarter of <see cref="MemoryBudgetBytes"/>.</value>
    public long PageSizeBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Bytes of one file (segment) of the store's log on disk. Disk space is given back a whole segment at a
    /// time once compaction has moved the live records out of it, so smaller segments return space sooner.</summary>
    /// <value>The default is 64 MiB. Must be a power of two of at least <see cref="PageSizeBytes"/>. Must not change
    /// for an existing data directory: the store finds its records by address, and the segment size maps addresses
    /// to files.</value>
    public long SegmentSizeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The size of the log's on-disk part below which it is never compacted.</summary>
    /// <value>The default is 128 MiB. Must be at least 1 MiB.</value>
    public long CompactionMinLogBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>How many times the live data (estimated at the last compaction) the log's on-disk part may grow to
    /// before it is compacted. Higher values compact less often and use more disk.</summary>
    /// <value>The default is 2. Must be at least 1.5.</value>
    public double CompactionTriggerRatio { get; set; } = 2.0;

    /// <summary>How much of the log one compaction run (after one checkpoint, with the stages held) compacts at most: a
    /// larger compaction is done in slices over the following checkpoints, so no checkpoint holds the pipeline long.</summary>
    /// <value>The default is 512 MiB (on a 2-core machine about 1.5 to 2.5 s of pause, and a sustained log growth of
    /// 512 MiB per checkpoint interval that compaction keeps up with). Must be at least 1 MiB.</value>
    public long CompactionMaxBytesPerCheckpoint { get; set; } = 512L * 1024 * 1024;
}
