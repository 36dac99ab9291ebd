using FASTER.core;
using Personalization.Dedupe;

namespace Personalization.Storage;

/// <summary>
/// Tells compaction which records are dead besides the superseded and deleted ones: dedupe entries seen before the
/// cutoff (they can no longer make any event a duplicate), so they are dropped instead of copied.
/// </summary>
internal sealed class DedupeExpiryCompactionFunctions : ICompactionFunctions<SpanByte, SpanByte>
{
    private readonly long _cutoffTicks;

    public DedupeExpiryCompactionFunctions(long cutoffTicks) => _cutoffTicks = cutoffTicks;

    /// <summary>Dedupe records dropped so far (compaction asks about superseded versions too).</summary>
    public long Dropped { get; private set; }

    public bool IsDeleted(ref SpanByte key, ref SpanByte value)
    {
        var keySpan = key.AsReadOnlySpan();
        if (keySpan.Length == 0 || keySpan[0] != StoreKeys.Dedupe || !DedupeIndex.IsExpired(value.AsReadOnlySpan(), _cutoffTicks))
        {
            return false;
        }

        Dropped++;
        return true;
    }
}
