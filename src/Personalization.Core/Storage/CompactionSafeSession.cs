using System.Buffers;
using FASTER.core;

namespace Personalization.Storage;

/// <summary>
/// A session on a store that compaction may be moving under it. FASTER's compaction copies the live records of the
/// log's oldest part to the tail and then moves the begin address past that part; a read that was waiting for the
/// disk at that moment finds nothing (FASTER ends a read of a record below the begin address as not found, even though
/// the copy is at the tail). Such a read is done again: the copy was written before the begin address moved.
/// </summary>
internal sealed class CompactionSafeSession : IKeyValueSession
{
    private readonly FasterKV<SpanByte, SpanByte> _store;
    private readonly FasterKeyValueStore _owner;
    private readonly FasterKeyValueSession _inner;

    public CompactionSafeSession(FasterKV<SpanByte, SpanByte> store, FasterKeyValueStore owner, FasterKeyValueSession inner)
    {
        _store = store;
        _owner = owner;
        _inner = inner;
    }

    /// <inheritdoc />
    public bool TryRead(ReadOnlySpan<byte> key, IBufferWriter<byte> value)
    {
        while (true)
        {
            var beginAddress = _store.Log.BeginAddress;
            if (_inner.TryRead(key, value))
            {
                return true;
            }

            if (_store.Log.BeginAddress == beginAddress)
            {
                return false;
            }
        }
    }

    /// <inheritdoc />
    public void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _inner.Upsert(key, value);

    /// <inheritdoc />
    public void Delete(ReadOnlySpan<byte> key) => _inner.Delete(key);

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte prefix)
    {
        // As FasterKeyValueSession.Scan: every version in the log names a candidate key, each distinct key is then
        // read. A compaction during the pass copies records past the tail the pass stops at and may let the iterator
        // skip their old place, so a pass during which the begin address moved is repeated, for the keys not yet found.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var value = new ArrayBufferWriter<byte>(512);
        while (true)
        {
            var beginAddress = _store.Log.BeginAddress;
            foreach (var key in CollectKeys(prefix, seen))
            {
                value.ResetWrittenCount();
                if (TryRead(key, value))
                {
                    yield return new(key, value.WrittenSpan.ToArray());
                }
            }

            if (_store.Log.BeginAddress == beginAddress)
            {
                yield break;
            }
        }
    }

    // The keys of the kind not in seen, adding them to it. Reading inside the iteration would nest the epoch
    // protection, hence the list.
    private List<byte[]> CollectKeys(byte prefix, HashSet<string> seen)
    {
        var keys = new List<byte[]>();
        using var lease = _owner.BeginScan();
        var beginAddress = _store.Log.BeginAddress;
        try
        {
            using var iterator = _store.Log.Scan(beginAddress, _store.Log.TailAddress);
            while (iterator.GetNext(out var recordInfo))
            {
                if (recordInfo.Invalid)
                {
                    continue;
                }

                var key = iterator.GetKey().AsReadOnlySpan();
                if (key.Length > 0 && key[0] == prefix && seen.Add(System.Text.Encoding.Latin1.GetString(key)))
                {
                    keys.Add(key.ToArray());
                }
            }
        }
        catch (FasterException) when (_store.Log.BeginAddress != beginAddress)
        {
            // The iterator may refuse to go on below a begin address that moved; the caller repeats the pass.
        }

        return keys;
    }

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();
}
