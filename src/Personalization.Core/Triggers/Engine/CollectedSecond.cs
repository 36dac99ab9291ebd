using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>
/// What collecting one second of a shard's timers found (see <c>TriggerEngine.CollectSecond</c>): the instances due,
/// the ones to file under a later second, and the timers of the second still to come. Reused for every second a shard
/// collects (a shard runs on one thread), so collecting allocates nothing once it has seen a second of the size.
/// </summary>
internal sealed class CollectedSecond
{
    // Beyond these, what an unusually large second left behind is let go instead of being kept for the next one.
    private const int MaxKeptRecords = 1024;
    private const int MaxKeptBytes = 64 * 1024;

    private readonly List<TriggerInstanceRecord> _records = [];
    private readonly HashSet<int> _seenHashes = [];
    private int _rented;
    private PackedValues _seen = new();
    private PackedValues _movedIds = new();
    private PackedValues _laterIds = new();

    /// <summary>The instances due, each in a record of this collection.</summary>
    public List<TriggerInstanceRecord> Due { get; } = [];

    /// <summary>The instances restarted since they were filed under the second: they go under their due time's second.</summary>
    public List<TriggerInstanceRecord> Moved { get; } = [];

    /// <summary>The ids (UTF-8, as MessagePack strings) of <see cref="Moved"/>, in the same order.</summary>
    public PackedValues MovedIds => _movedIds;

    /// <summary>The ids (UTF-8, as MessagePack strings) of the second's instances not due yet.</summary>
    public PackedValues LaterIds => _laterIds;

    /// <summary>The users of <see cref="LaterIds"/>, in the same order.</summary>
    public List<string> LaterUsers { get; } = [];

    /// <summary>A chunk to read a bucket chunk from the store into.</summary>
    public OpenTimerChunk Chunk { get; } = new();

    /// <summary>Empties the collection for the next second.</summary>
    public void Clear()
    {
        Due.Clear();
        Moved.Clear();
        LaterUsers.Clear();
        _rented = 0;
        if (_records.Count > MaxKeptRecords)
        {
            _records.RemoveRange(MaxKeptRecords, _records.Count - MaxKeptRecords);
        }

        _seenHashes.Clear();
        if (_seenHashes.EnsureCapacity(0) > MaxKeptRecords)
        {
            _seenHashes.TrimExcess();
        }

        _seen = Cleared(_seen);
        _movedIds = Cleared(_movedIds);
        _laterIds = Cleared(_laterIds);
    }

    /// <summary>A record of this collection to read an instance into (the next one not in use).</summary>
    public TriggerInstanceRecord Rent()
    {
        if (_rented == _records.Count)
        {
            _records.Add(new TriggerInstanceRecord { Trigger = string.Empty, InstanceKey = string.Empty, UserId = string.Empty });
        }

        return _records[_rented++];
    }

    /// <summary>Gives back the record <see cref="Rent"/> returned last, which was not kept.</summary>
    public void ReturnLast() => _rented--;

    /// <summary>Remembers the instance <paramref name="id"/> (UTF-8); false when it was seen in this second already.</summary>
    public bool AddSeen(ReadOnlySpan<byte> id)
    {
        var hash = new HashCode();
        hash.AddBytes(id);
        // Another id with the same hash is possible: only then are the seen ids compared one by one.
        if (!_seenHashes.Add(hash.ToHashCode()) && Contains(_seen, id))
        {
            return false;
        }

        Append(_seen, id);
        return true;
    }

    /// <summary>Appends <paramref name="utf8"/> to <paramref name="values"/> as a MessagePack string.</summary>
    public static void Append(PackedValues values, ReadOnlySpan<byte> utf8)
    {
        var writer = values.Writer();
        writer.WriteString(utf8);
        writer.Flush();
        values.Appended(1);
    }

    /// <summary>
    /// Reads the next id of a bucket chunk's instances as UTF-8: a nil reads as "" (as in a decoded
    /// <see cref="TimerBucketRecord"/>).
    /// </summary>
    public static ReadOnlySpan<byte> ReadId(ref MessagePackReader reader) =>
        reader.TryReadNil() ? default
        : reader.TryReadStringSpan(out var span) ? span
        : System.Text.Encoding.UTF8.GetBytes(reader.ReadString() ?? string.Empty);

    private static bool Contains(PackedValues values, ReadOnlySpan<byte> id)
    {
        var reader = new MessagePackReader(values.Memory);
        for (var i = 0; i < values.Count; i++)
        {
            if (ReadId(ref reader).SequenceEqual(id))
            {
                return true;
            }
        }

        return false;
    }

    private static PackedValues Cleared(PackedValues values)
    {
        if (values.Capacity > MaxKeptBytes)
        {
            return new PackedValues();
        }

        values.Clear();
        return values;
    }
}
