using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>
/// The last chunk of the timer buckets a shard added to recently, as their stored bytes: adding a timer to a second
/// whose last chunk is here appends to it and writes it, without reading and decoding it from the store first. The
/// store stays the source of truth: a chunk is only here as this shard last wrote (or read) it, a second's chunk
/// leaves when the second is collected, and a second that is not here is read from the store. Bounded: one chunk per
/// slot of <see cref="Slots"/>, by second, a newer second taking the slot of an older one.
/// </summary>
internal sealed class OpenTimerChunks
{
    /// <summary>How many seconds' chunks are kept at most (a shard adds timers to a few seconds at a time: one per
    /// trigger delay, moving on each second).</summary>
    internal const int Slots = 2048;

    private readonly OpenTimerChunk?[] _slots = new OpenTimerChunk?[Slots];

    /// <summary>The chunk <paramref name="chunk"/> of <paramref name="second"/>, if it is here.</summary>
    public OpenTimerChunk? Find(long second, int chunk)
    {
        var open = _slots[Slot(second)];
        return open is { IsOpen: true } && open.Second == second && open.Chunk == chunk ? open : null;
    }

    /// <summary>An empty chunk for <paramref name="chunk"/> of <paramref name="second"/>, in place of what its slot held.</summary>
    public OpenTimerChunk Start(long second, int chunk)
    {
        ref var open = ref _slots[Slot(second)];
        open ??= new OpenTimerChunk();
        open.Reset(second, chunk);
        return open;
    }

    /// <summary>Forgets the chunk of <paramref name="second"/> (its buckets were taken or deleted).</summary>
    public void Drop(long second)
    {
        if (_slots[Slot(second)] is { } open && open.Second == second)
        {
            open.IsOpen = false;
        }
    }

    private static int Slot(long second) => (int)(second & (Slots - 1));
}

/// <summary>One timer bucket chunk as the MessagePack bytes of its two lists (instance ids, their users).</summary>
internal sealed class OpenTimerChunk
{
    private readonly PackedValues _instances = new();
    private readonly PackedValues _users = new();

    public long Second { get; private set; }

    public int Chunk { get; private set; }

    /// <summary>Whether the chunk is in use (not dropped).</summary>
    public bool IsOpen { get; set; }

    /// <summary>How many timers the chunk holds.</summary>
    public int Count => _instances.Count;

    /// <summary>The instance ids of the timers (UTF-8 MessagePack strings).</summary>
    public PackedValues Instances => _instances;

    /// <summary>Their users, in the same order.</summary>
    public PackedValues Users => _users;

    public void Reset(long second, int chunk)
    {
        Second = second;
        Chunk = chunk;
        IsOpen = true;
        _instances.Clear();
        _users.Clear();
    }

    /// <summary>Takes the chunk's content from a stored <see cref="TimerBucketRecord"/>.</summary>
    public void Load(ReadOnlyMemory<byte> bucket)
    {
        var reader = new MessagePackReader(bucket);
        var count = reader.ReadArrayHeader();
        RecordFields.ReadPacked(ref reader, _instances);
        RecordFields.ReadPacked(ref reader, _users);
        RecordFields.SkipRest(ref reader, count, 2);
    }

    /// <summary>Whether the chunk has the instance of <paramref name="instanceId"/> (UTF-8).</summary>
    public bool Contains(ReadOnlySpan<byte> instanceId)
    {
        var reader = new MessagePackReader(_instances.Memory);
        for (var i = 0; i < _instances.Count; i++)
        {
            // A nil (never written by the engine) reads as "" in a decoded bucket.
            var stored = reader.TryReadNil() ? default
                : reader.TryReadStringSpan(out var span) ? span
                : System.Text.Encoding.UTF8.GetBytes(reader.ReadString() ?? string.Empty);
            if (stored.SequenceEqual(instanceId))
            {
                return true;
            }
        }

        return false;
    }

    public void Add(ReadOnlySpan<byte> instanceId, string userId)
    {
        var writer = _instances.Writer();
        writer.WriteString(instanceId);
        writer.Flush();
        _instances.Appended(1);
        _users.Append(userId);
    }

    /// <summary>Writes the chunk as a <see cref="TimerBucketRecord"/> (the same bytes its formatter writes).</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        RecordFields.WritePacked(ref writer, _instances);
        RecordFields.WritePacked(ref writer, _users);
    }
}
