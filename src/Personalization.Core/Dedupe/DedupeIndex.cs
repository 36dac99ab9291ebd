using System.Buffers;
using System.Buffers.Binary;
using Personalization.Storage;

namespace Personalization.Dedupe;

/// <summary>
/// Remembers every accepted <c>messageId</c> in the store (key kind <see cref="StoreKeys.Dedupe"/>, value: the time
/// it was first seen), so duplicates are recognised within the window, across restarts too.
/// Single-threaded: owned by the dedupe stage.
/// </summary>
internal sealed class DedupeIndex
{
    private readonly IKeyValueSession _session;
    private readonly long _windowTicks;
    private readonly byte[] _key = new byte[StoreKeys.BufferSize];
    private readonly ArrayBufferWriter<byte> _value = new(16);

    public DedupeIndex(IKeyValueSession session, TimeSpan window)
    {
        _session = session;
        _windowTicks = window.Ticks;
    }

    /// <summary>
    /// Returns <see langword="true"/> when <paramref name="messageId"/> was seen within the window before
    /// <paramref name="now"/>; otherwise remembers it as seen at <paramref name="now"/> and returns <see langword="false"/>.
    /// </summary>
    public bool IsDuplicate(string messageId, DateTimeOffset now)
    {
        var length = StoreKeys.Write(StoreKeys.Dedupe, messageId, _key);
        var key = _key.AsSpan(0, length);
        _value.ResetWrittenCount();
        if (_session.TryRead(key, _value) && _value.WrittenCount == sizeof(long))
        {
            var seenTicks = BinaryPrimitives.ReadInt64LittleEndian(_value.WrittenSpan);
            if (now.UtcTicks - seenTicks <= _windowTicks)
            {
                return true;
            }
        }

        Span<byte> value = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(value, now.UtcTicks);
        _session.Upsert(key, value);
        return false;
    }

    /// <summary>
    /// The seen-time (UTC ticks) before which an entry can no longer make any event at or after <paramref name="now"/>
    /// a duplicate: an entry seen at <c>t</c> is a duplicate's witness while <c>now - t &lt;= window</c>.
    /// </summary>
    public static long ExpiryCutoffTicks(DateTimeOffset now, TimeSpan window) => now.UtcTicks - window.Ticks;

    /// <summary>
    /// Whether the stored <paramref name="value"/> of a dedupe entry was seen before <paramref name="cutoffTicks"/>
    /// (see <see cref="ExpiryCutoffTicks"/>), so the entry may be dropped. A value this version did not write is kept.
    /// </summary>
    public static bool IsExpired(ReadOnlySpan<byte> value, long cutoffTicks) =>
        value.Length == sizeof(long) && BinaryPrimitives.ReadInt64LittleEndian(value) < cutoffTicks;
}
