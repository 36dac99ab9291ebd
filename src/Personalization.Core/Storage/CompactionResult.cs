namespace Personalization.Storage;

/// <summary>What one round of store maintenance did, for logs and metrics.</summary>
/// <param name="TruncatedUntilAddress">The address below which the log's files were given back to the disk (whole
/// segments only), as of the last completed checkpoint.</param>
/// <param name="Compacted">Whether the log was compacted.</param>
/// <param name="LogBytesBefore">The log's size (tail minus begin address) before.</param>
/// <param name="LogBytesAfter">The log's size after; it counts the dropped range only until the next checkpoint
/// lets it be truncated.</param>
/// <param name="DiskBytesBefore">The size of the log's files before.</param>
/// <param name="DiskBytesAfter">The size of the log's files after (truncation only; what compaction frees is given
/// back after the next checkpoint).</param>
/// <param name="RecordsCopied">Live records copied to the tail.</param>
/// <param name="BytesCopied">Bytes of the records copied.</param>
/// <param name="DedupeEntriesDropped">Expired dedupe records dropped (superseded versions included).</param>
/// <param name="Elapsed">How long the round took.</param>
internal readonly record struct CompactionResult(
    long TruncatedUntilAddress,
    bool Compacted,
    long LogBytesBefore,
    long LogBytesAfter,
    long DiskBytesBefore,
    long DiskBytesAfter,
    long RecordsCopied,
    long BytesCopied,
    long DedupeEntriesDropped,
    TimeSpan Elapsed);
