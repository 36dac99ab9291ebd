using System.Buffers;
using FASTER.core;

namespace Personalization.Storage;

/// <summary>One FASTER client session. Not thread-safe: FASTER sessions are single-threaded by design.</summary>
internal sealed class FasterKeyValueSession : IKeyValueSession
{
    private readonly ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> _session;

    public FasterKeyValueSession(ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public unsafe bool TryRead(ReadOnlySpan<byte> key, IBufferWriter<byte> value)
    {
        fixed (byte* keyPointer = key)
        {
            var keySpan = SpanByte.FromPointer(keyPointer, key.Length);
            var output = default(SpanByteAndMemory);
            var status = _session.Read(ref keySpan, ref output);
            if (status.IsPending)
            {
                // The record is on disk: wait for the I/O. Only this session is affected.
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

    private static void CopyOut(ref SpanByteAndMemory output, IBufferWriter<byte> value)
    {
        if (output.IsSpanByte)
        {
            value.Write(output.SpanByte.AsReadOnlySpan());
            return;
        }

        using var memory = output.Memory;
        value.Write(memory.Memory.Span[..output.Length]);
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
        // FASTER's iterator can also return deleted and not yet valid records, notably after recovery from a
        // checkpoint. So the scan only collects candidate keys, then reads each one: what it yields is exactly what a
        // read finds. Reading inside the iteration would nest the session's epoch protection, hence the two passes.
        var keys = new List<byte[]>();
        using (var iterator = _session.Iterate())
        {
            while (iterator.GetNext(out var recordInfo))
            {
                if (recordInfo.Tombstone || recordInfo.Invalid || recordInfo.SkipOnScan)
                {
                    continue;
                }

                var key = iterator.GetKey().AsReadOnlySpan();
                if (key.Length > 0 && key[0] == prefix)
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
