using MessagePack;
using MessagePack.Formatters;

namespace Personalization.Triggers.Engine;

// Hand-written MessagePack formatters of the engine's internal records: MessagePack's dynamic resolver only builds
// fast formatters for public types, and its private-type fallback costs microseconds per record on the hot path.
// Each record is an array of its fields in a fixed order; new fields go at the end, and readers skip what they do
// not know, so older stores stay readable.

internal sealed class TriggerInstanceFormatter : IMessagePackFormatter<TriggerInstanceRecord>
{
    public void Serialize(ref MessagePackWriter writer, TriggerInstanceRecord value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(12);
        writer.Write(value.Trigger);
        writer.Write(value.InstanceKey);
        writer.Write(value.UserId);
        writer.Write(value.Occurrence);
        writer.Write(value.EnteredAtTicks);
        writer.Write(value.DueAtTicks);
        writer.Write(value.Restarts);
        writer.Write(value.OriginalDueTicks);
        RecordFields.WriteStrings(ref writer, value.EventNames);
        writer.WriteArrayHeader(value.EventTicks.Count);
        foreach (var ticks in value.EventTicks)
        {
            writer.Write(ticks);
        }

        RecordFields.WriteStrings(ref writer, value.EventIds);
        writer.Write(value.FiledTicks);
    }

    public TriggerInstanceRecord Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var count = reader.ReadArrayHeader();
        var record = new TriggerInstanceRecord
        {
            Trigger = reader.ReadString() ?? string.Empty,
            InstanceKey = reader.ReadString() ?? string.Empty,
            UserId = reader.ReadString() ?? string.Empty,
            Occurrence = reader.ReadInt64(),
            EnteredAtTicks = reader.ReadInt64(),
            DueAtTicks = reader.ReadInt64(),
            Restarts = reader.ReadInt32(),
            OriginalDueTicks = count > 7 ? reader.ReadInt64() : 0,
        };
        if (count > 10)
        {
            record.EventNames = RecordFields.ReadStrings(ref reader);
            var ticks = reader.ReadArrayHeader();
            record.EventTicks = new List<long>(ticks);
            for (var i = 0; i < ticks; i++)
            {
                record.EventTicks.Add(reader.ReadInt64());
            }

            record.EventIds = RecordFields.ReadStrings(ref reader);
        }

        if (count > 11)
        {
            record.FiledTicks = reader.ReadInt64();
        }

        RecordFields.SkipRest(ref reader, count, 12);
        return record;
    }
}

internal sealed class TimerBucketFormatter : IMessagePackFormatter<TimerBucketRecord>
{
    public void Serialize(ref MessagePackWriter writer, TimerBucketRecord value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(2);
        RecordFields.WriteStrings(ref writer, value.Instances);
        RecordFields.WriteStrings(ref writer, value.Users);
    }

    public TimerBucketRecord Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var count = reader.ReadArrayHeader();
        var record = new TimerBucketRecord
        {
            Instances = RecordFields.ReadStrings(ref reader),
            Users = RecordFields.ReadStrings(ref reader),
        };
        RecordFields.SkipRest(ref reader, count, 2);
        return record;
    }
}

internal sealed class TriggerUserFormatter : IMessagePackFormatter<TriggerUserRecord>
{
    public void Serialize(ref MessagePackWriter writer, TriggerUserRecord value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(4);
        RecordFields.WriteCounts(ref writer, value.LastFired);
        RecordFields.WriteCounts(ref writer, value.Entries);
        writer.WriteArrayHeader(value.RecentSends.Count);
        foreach (var ticks in value.RecentSends)
        {
            writer.Write(ticks);
        }

        writer.WriteArrayHeader(value.Trace.Count);
        writer.WriteRaw(value.Trace.Bytes);
    }

    public TriggerUserRecord Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var count = reader.ReadArrayHeader();
        var record = new TriggerUserRecord
        {
            LastFired = RecordFields.ReadCounts(ref reader),
            Entries = RecordFields.ReadCounts(ref reader),
        };
        var sends = reader.ReadArrayHeader();
        for (var i = 0; i < sends; i++)
        {
            record.RecentSends.Add(reader.ReadInt64());
        }

        // The trace's entries stay bytes (see TriggerTrace): skipped over, then copied in one piece.
        var trace = reader.ReadArrayHeader();
        var start = reader.Position;
        for (var i = 0; i < trace; i++)
        {
            reader.Skip();
        }

        record.Trace = TriggerTrace.FromBytes(System.Buffers.BuffersExtensions.ToArray(reader.Sequence.Slice(start, reader.Position)), trace);

        RecordFields.SkipRest(ref reader, count, 4);
        return record;
    }
}

internal static class RecordFields
{
    public static void WriteStrings(ref MessagePackWriter writer, List<string> values)
    {
        writer.WriteArrayHeader(values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    public static List<string> ReadStrings(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        var values = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            values.Add(reader.ReadString() ?? string.Empty);
        }

        return values;
    }

    public static void WriteCounts(ref MessagePackWriter writer, Dictionary<string, long> values)
    {
        writer.WriteMapHeader(values.Count);
        foreach (var (key, value) in values)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    public static Dictionary<string, long> ReadCounts(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        var values = new Dictionary<string, long>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString() ?? string.Empty;
            values[key] = reader.ReadInt64();
        }

        return values;
    }

    // Fields written by a newer version of the engine are skipped.
    public static void SkipRest(ref MessagePackReader reader, int count, int known)
    {
        for (var i = known; i < count; i++)
        {
            reader.Skip();
        }
    }
}
