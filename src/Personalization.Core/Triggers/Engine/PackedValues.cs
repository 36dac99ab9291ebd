using System.Buffers;
using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>
/// A bounded list of MessagePack values kept as their bytes, one after the other, in a buffer that grows and is then
/// reused: appending one value and dropping the oldest (one move within the buffer) allocate nothing once the buffer
/// is big enough. The engine's records keep their lists this way so that a read-modify-write of a record copies bytes
/// instead of building an object per element.
/// </summary>
internal sealed class PackedValues : IBufferWriter<byte>
{
    private byte[] _buffer = [];
    private int _length;

    /// <summary>How many values the list holds.</summary>
    public int Count { get; private set; }

    /// <summary>The values' bytes: <see cref="Count"/> MessagePack values one after the other.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>How many bytes the list holds before its buffer grows.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>The values' bytes as memory, for a <see cref="MessagePackReader"/>.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>Replaces the values with <paramref name="count"/> values encoded in <paramref name="bytes"/>.</summary>
    public void CopyFrom(ReadOnlySpan<byte> bytes, int count)
    {
        _length = 0;
        bytes.CopyTo(GetSpan(bytes.Length));
        _length = bytes.Length;
        Count = count;
    }

    /// <summary>Replaces the values with <paramref name="count"/> values encoded in <paramref name="bytes"/>.</summary>
    public void CopyFrom(ReadOnlySequence<byte> bytes, int count)
    {
        _length = 0;
        var length = checked((int)bytes.Length);
        bytes.CopyTo(GetSpan(length));
        _length = length;
        Count = count;
    }

    public void Clear()
    {
        _length = 0;
        Count = 0;
    }

    /// <summary>Drops the oldest values so that at most <paramref name="keep"/> are left.</summary>
    public void KeepLast(int keep)
    {
        if (Count <= keep)
        {
            return;
        }

        var reader = new MessagePackReader(Memory);
        for (var i = 0; i < Count - keep; i++)
        {
            reader.Skip();
        }

        var start = (int)reader.Consumed;
        _buffer.AsSpan(start, _length - start).CopyTo(_buffer);
        _length -= start;
        Count = keep;
    }

    /// <summary>A writer that appends to the list; call <see cref="Appended"/> with how many values it wrote, after its <c>Flush</c>.</summary>
    public MessagePackWriter Writer() => new(this);

    /// <summary>Counts <paramref name="values"/> values written through <see cref="Writer"/>.</summary>
    public void Appended(int values) => Count += values;

    public void Append(string? value)
    {
        var writer = Writer();
        writer.Write(value);
        writer.Flush();
        Count++;
    }

    public void Append(long value)
    {
        var writer = Writer();
        writer.Write(value);
        writer.Flush();
        Count++;
    }

    void IBufferWriter<byte>.Advance(int count) => _length += count;

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        Grow(sizeHint);
        return _buffer.AsMemory(_length);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => GetSpan(sizeHint);

    private Span<byte> GetSpan(int sizeHint)
    {
        Grow(sizeHint);
        return _buffer.AsSpan(_length);
    }

    private void Grow(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, Math.Max(64, _buffer.Length * 2)));
        }
    }
}
