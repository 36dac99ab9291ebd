using System.Buffers;
using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>
/// A user's bounded decision trace, kept as the MessagePack bytes of its entries: reading and rewriting the user's
/// record on every decision then copies bytes instead of building a string per field of every entry. The entries
/// are only decoded when the host asks for them.
/// </summary>
internal sealed class TriggerTrace
{
    private byte[] _entries = [];

    /// <summary>How many entries the trace holds.</summary>
    public int Count { get; private set; }

    /// <summary>The entries' bytes: <see cref="Count"/> MessagePack arrays one after the other.</summary>
    public ReadOnlySpan<byte> Bytes => _entries;

    public static TriggerTrace FromBytes(byte[] entries, int count) => new() { _entries = entries, Count = count };

    /// <summary>Appends one entry, dropping the oldest beyond <paramref name="capacity"/>.</summary>
    public void Append(long atTicks, string trigger, string instanceKey, string outcome, string reason, int capacity)
    {
        var keep = _entries.AsMemory();
        var count = Count;
        if (count >= capacity)
        {
            var reader = new MessagePackReader(keep);
            for (var i = 0; i <= count - capacity; i++)
            {
                reader.Skip();
            }

            keep = keep[(int)reader.Consumed..];
            count = capacity - 1;
        }

        var buffer = new ArrayBufferWriter<byte>(keep.Length + 64);
        buffer.Write(keep.Span);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write(atTicks);
        writer.Write(trigger);
        writer.Write(instanceKey);
        writer.Write(outcome);
        writer.Write(reason);
        writer.Flush();
        _entries = buffer.WrittenSpan.ToArray();
        Count = count + 1;
    }

    /// <summary>Decodes the entries, oldest first.</summary>
    public List<TriggerDecisionRecord> Decode()
    {
        var entries = new List<TriggerDecisionRecord>(Count);
        var reader = new MessagePackReader(_entries);
        for (var i = 0; i < Count; i++)
        {
            var fields = reader.ReadArrayHeader();
            entries.Add(new TriggerDecisionRecord
            {
                AtTicks = reader.ReadInt64(),
                Trigger = reader.ReadString() ?? string.Empty,
                InstanceKey = reader.ReadString() ?? string.Empty,
                Outcome = reader.ReadString() ?? string.Empty,
                Reason = reader.ReadString() ?? string.Empty,
            });
            RecordFields.SkipRest(ref reader, fields, 5);
        }

        return entries;
    }
}
