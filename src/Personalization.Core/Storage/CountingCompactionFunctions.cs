using FASTER.core;

namespace Personalization.Storage;

/// <summary>The store's functions, counting the records compaction copies to the tail.</summary>
internal sealed class CountingCompactionFunctions : SpanByteFunctions<Empty>
{
    public long RecordsCopied { get; private set; }

    public long BytesCopied { get; private set; }

    public override bool SingleWriter(ref SpanByte key, ref SpanByte input, ref SpanByte src, ref SpanByte dst,
        ref SpanByteAndMemory output, ref UpsertInfo upsertInfo, WriteReason reason)
    {
        if (reason == WriteReason.Compaction)
        {
            RecordsCopied++;
            BytesCopied += key.TotalSize + src.TotalSize;
        }

        return base.SingleWriter(ref key, ref input, ref src, ref dst, ref output, ref upsertInfo, reason);
    }
}
