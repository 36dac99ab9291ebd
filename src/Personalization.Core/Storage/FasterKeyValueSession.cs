using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FASTER.core;

namespace Personalization.Storage;

/// <summary>One FASTER client session. Not thread-safe: FASTER sessions are single-threaded by design.</summary>
internal sealed class FasterKeyValueSession : IKeyValueSession
{
    /// <summary>The size of a session's read buffer at first.</summary>
    internal const int InitialBufferLength = 1024;

    /// <summary>The largest a session's read buffer grows; larger values are read into memory rented per read.</summary>
    internal const int MaxBufferLength = 1 << 20;

    private readonly ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> _session;
    private readonly FasterKV<SpanByte, SpanByte> _store;

    // Where reads copy values to: pinned (on the pinned object heap), so FASTER may hold its address across a pending
    // read; grown to the next power of two when a value does not fit. Sessions are single-threaded, so one suffices.
    private byte[] _buffer = GC.AllocateArray<byte>(InitialBufferLength, pinned: true);

    public FasterKeyValueSession(FasterKV<SpanByte, SpanByte> store,
        ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> session)
    {
        _store = store;
        _session = session;
    }

    /// <inheritdoc />
    public unsafe bool TryRead(ReadOnlySpan<byte> key, IBufferWriter<byte> value)
    {
        fixed (byte* keyPointer = key)
        {
            var keySpan = SpanByte.FromPointer(keyPointer, key.Length);
            // FASTER copies a value that fits straight into the session's buffer, and rents memory from its pool for
            // one that does not. The buffer is pinned for its lifetime, so a read that goes pending (the record is on
            // disk) is copied into it as well when its I/O completes.
            var output = new SpanByteAndMemory(SpanByte.FromPointer(
                (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer)), _buffer.Length));
            var status = _session.Read(ref keySpan, ref output);
            if (status.IsPending)
            {
                // Wait for the I/O. Only this session is affected.
                _session.CompletePendingWithOutputs(out var completed, wait: true);
                using (completed)
                {
                    while (completed.Next())
                    {
                        status = completed.Current.Status;
                        output = completed.Current.Output;
                    }
                }
            }

            if (!status.Found)
            {
                output.Memory?.Dispose();
                return false;
            }

            CopyOut(ref output, value);
            return true;
        }
    }

    private void CopyOut(ref SpanByteAndMemory output, IBufferWriter<byte> value)
    {
        if (output.IsSpanByte)
        {
            value.Write(output.SpanByte.AsReadOnlySpan());
            return;
        }

        using (var memory = output.Memory)
        {
            value.Write(memory.Memory.Span[..output.Length]);
        }

        // The value did not fit: the next one of its size will (up to a bound, beyond which values keep renting).
        if (output.Length <= MaxBufferLength)
        {
            _buffer = GC.AllocateArray<byte>((int)BitOperations.RoundUpToPowerOf2((uint)output.Length), pinned: true);
        }
    }

    /// <inheritdoc />
    public unsafe void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = value)
        {
            var keySpan = SpanByte.FromPointer(keyPointer, key.Length);
            var valueSpan = SpanByte.FromPointer(valuePointer, value.Length);
            var status = _session.Upsert(ref keySpan, ref valueSpan);
            if (status.IsPending)
            {
                _session.CompletePending(wait: true);
            }
        }
    }

    /// <inheritdoc />
    public unsafe void Delete(ReadOnlySpan<byte> key)
    {
        fixed (byte* keyPointer = key)
        {
            var keySpan = SpanByte.FromPointer(keyPointer, key.Length);
            var status = _session.Delete(ref keySpan);
            if (status.IsPending)
            {
                _session.CompletePending(wait: true);
            }
        }
    }

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte prefix)
    {
        // Every version of every record in the log, from its beginning to its tail, names a candidate key; each
        // distinct key is then read, so what the scan yields is exactly what a read finds (deleted keys, invalid and
        // superseded versions drop out). The session's own Iterate() (distinct live records) was found to miss and
        // invent a few keys in a store that had spilled to disk. Reading inside the iteration would nest the epoch
        // protection, hence the two passes.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keys = new List<byte[]>();
        using (var iterator = _store.Log.Scan(_store.Log.BeginAddress, _store.Log.TailAddress))
        {
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

        var value = new ArrayBufferWriter<byte>(512);
        foreach (var key in keys)
        {
            value.ResetWrittenCount();
            if (TryRead(key, value))
            {
                yield return new(key, value.WrittenSpan.ToArray());
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
