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
        using var iterator = _session.Iterate();
        while (iterator.GetNext(out _))
        {
            if (TryCopy(iterator, prefix, out var record))
            {
                yield return record;
            }
        }
    }

    private static bool TryCopy(IFasterScanIterator<SpanByte, SpanByte> iterator, byte prefix, out KeyValuePair<byte[], byte[]> record)
    {
        var key = iterator.GetKey().AsReadOnlySpan();
        if (key.Length == 0 || key[0] != prefix)
        {
            record = default;
            return false;
        }

        record = new(key.ToArray(), iterator.GetValue().AsReadOnlySpan().ToArray());
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
