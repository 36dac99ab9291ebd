using System.Buffers;
using Personalization.Events;

namespace Personalization.Storage;

/// <summary>
/// The ingest-log entries of one ingest call, written one after the other into one array from the shared pool by the
/// caller's thread, so that the dedupe stage only appends bytes and no array is allocated per event. The array goes
/// back to the pool when the call has written its last entry and every entry was released (appended, found to be a
/// duplicate, or turned away).
/// </summary>
/// <remarks>
/// The dedupe stage reads an entry while the caller may still be writing later ones. Growing therefore copies into a
/// new array and leaves the old one to the garbage collector (it may still be read): an entry's bytes never move or
/// change in the array a reader can see. A release that never comes (an item lost to a fault) only means the array is
/// not reused; a second release of the same entry would hand a live array out again, which is why
/// <see cref="Pipeline.PipelineItem"/> releases at most once.
/// </remarks>
internal sealed class IngestLogBatch : IBufferWriter<byte>
{
    private const int MinimumCapacity = 4096;

    private byte[] _buffer;
    private bool _pooled;
    private int _written;
    private int _references = 1;

    /// <param name="expectedBytes">A guess of the bytes of all entries, to rent the right size at once.</param>
    public IngestLogBatch(int expectedBytes)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumCapacity, expectedBytes));
        _pooled = true;
    }

    /// <summary>Appends the entry of an accepted event; returns where it is. The entry holds a reference until
    /// <see cref="Release"/>.</summary>
    public (int Offset, int Length) AddEvent(SegmentEvent @event, DateTimeOffset ingestTime)
    {
        var offset = _written;
        IngestLogEntry.WriteEvent(this, @event, ingestTime);
        Interlocked.Increment(ref _references);
        return (offset, _written - offset);
    }

    /// <summary>The bytes of the entry at <paramref name="offset"/>.</summary>
    public ReadOnlySpan<byte> Entry(int offset, int length) => Volatile.Read(ref _buffer).AsSpan(offset, length);

    /// <summary>Gives up one reference: an entry's, or the writer's once it has added its last entry.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0 && _pooled)
        {
            _pooled = false;
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }

    void IBufferWriter<byte>.Advance(int count) => _written += count;

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint) => Reserve(sizeHint).AsMemory(_written);

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => Reserve(sizeHint).AsSpan(_written);

    private byte[] Reserve(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return _buffer;
        }

        // Not back to the pool: the dedupe stage may be reading earlier entries from it right now.
        var grown = GC.AllocateUninitializedArray<byte>(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(grown);
        Volatile.Write(ref _buffer, grown);
        _pooled = false;
        return grown;
    }
}
