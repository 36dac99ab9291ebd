using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>
/// A user's bounded decision trace, kept as the MessagePack bytes of its entries: reading and rewriting the user's
/// record on every decision then copies bytes instead of building a string per field of every entry. The entries
/// are only decoded when the host asks for them. An append writes into the trace's own buffer (dropping the oldest
/// entries is one move within it), so a trace that is reused across reads appends without allocating.
/// </summary>
internal sealed class TriggerTrace
{
    private readonly PackedValues _entries = new();

    /// <summary>How many entries the trace holds.</summary>
    public int Count => _entries.Count;

    /// <summary>The entries' bytes: <see cref="Count"/> MessagePack arrays one after the other.</summary>
    public ReadOnlySpan<byte> Bytes => _entries.Bytes;

    public static TriggerTrace FromBytes(ReadOnlySpan<byte> entries, int count)
    {
        var trace = new TriggerTrace();
        trace.CopyFrom(entries, count);
        return trace;
    }

    /// <summary>Replaces the entries with <paramref name="count"/> entries encoded in <paramref name="entries"/>.</summary>
    public void CopyFrom(ReadOnlySpan<byte> entries, int count) => _entries.CopyFrom(entries, count);

    /// <summary>Replaces the entries with <paramref name="count"/> entries encoded in <paramref name="entries"/>.</summary>
    public void CopyFrom(System.Buffers.ReadOnlySequence<byte> entries, int count) => _entries.CopyFrom(entries, count);

    /// <summary>Removes every entry.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Appends one entry, dropping the oldest beyond <paramref name="capacity"/>.</summary>
    public void Append(long atTicks, string trigger, string instanceKey, string outcome, string reason, int capacity)
    {
        _entries.KeepLast(capacity - 1);
        var writer = _entries.Writer();
        writer.WriteArrayHeader(5);
        writer.Write(atTicks);
        writer.Write(trigger);
        writer.Write(instanceKey);
        writer.Write(outcome);
        writer.Write(reason);
        writer.Flush();
        _entries.Appended(1);
    }

    /// <summary>Decodes the entries, oldest first.</summary>
    public List<TriggerDecisionRecord> Decode()
    {
        var entries = new List<TriggerDecisionRecord>(Count);
        var reader = new MessagePackReader(_entries.Memory);
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
