namespace Personalization.Storage;

/// <summary>Sizes of the embedded store. The defaults suit a few million profiles on a small machine.</summary>
public sealed class StoreOptions
{
    /// <summary>Bytes of memory the store's in-memory log may use before older records spill to disk.</summary>
    /// <value>The default is 256 MiB. Must be a power of two of at least 16 MiB.</value>
    public long MemoryBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Bytes of the store's hash index (64 bytes per bucket, 7 keys per bucket before overflow).</summary>
    /// <value>The default is 32 MiB (about 3.5 million keys without overflow). Must be a power of two of at least 64 KiB.</value>
    public long IndexSizeBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Bytes of one page of the store's log.</summary>
    /// <value>The default is 4 MiB. Must be a power of two between 64 KiB and a quarter of <see cref="MemoryBudgetBytes"/>.</value>
    public long PageSizeBytes { get; set; } = 4L * 1024 * 1024;
}
