using MessagePack;
using MessagePack.Formatters;

namespace Personalization.Triggers.Engine;

// Hand-written MessagePack formatters of the engine's internal records: MessagePack's dynamic resolver only builds
// fast formatters for public types, and its private-type fallback costs microseconds per record on the hot path.
// Each record is an array of its fields in a fixed order; new fields go at the end, and readers skip what they do
// not know, so older stores stay readable.

internal sealed class TriggerInstanceFormatter : IMessagePackFormatter<TriggerInstanceRecord>
{
    public void Serialize(ref MessagePackWriter writer, TriggerInstanceRecord value, MessagePackSerializerOptions options) =>
        Write(ref writer, value);

    public TriggerInstanceRecord Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var record = new TriggerInstanceRecord { Trigger = string.Empty, InstanceKey = string.Empty, UserId = string.Empty };
        Read(ref reader, record, known: null);
        return record;
    }

    public static void Write(ref MessagePackWriter writer, TriggerInstanceRecord value)
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
        RecordFields.WritePacked(ref writer, value.EventNames);
        RecordFields.WritePacked(ref writer, value.EventTicks);
        RecordFields.WritePacked(ref writer, value.EventIds);
        writer.Write(value.FiledTicks);
    }

    /// <summary>
    /// Reads a record into <paramref name="record"/> (a reused one on the hot path). The expected strings (the
    /// trigger, instance key and user the caller looked up; for the user, the instance key read when none is expected)
    /// and the <paramref name="known"/> ones are taken as they are when the bytes match, instead of decoding a copy.
    /// </summary>
    public static void Read(ref MessagePackReader reader, TriggerInstanceRecord record, KnownStrings? known,
        string? trigger = null, string? instanceKey = null, string? userId = null)
    {
        var count = reader.ReadArrayHeader();
        record.Trigger = KnownStrings.Read(ref reader, known, trigger);
        record.InstanceKey = KnownStrings.Read(ref reader, known, instanceKey);
        // An instance is usually keyed by its user: then the user id is the instance key's string.
        record.UserId = KnownStrings.Read(ref reader, known, userId ?? record.InstanceKey);
        record.Occurrence = reader.ReadInt64();
        record.EnteredAtTicks = reader.ReadInt64();
        record.DueAtTicks = reader.ReadInt64();
        record.Restarts = reader.ReadInt32();
        record.OriginalDueTicks = count > 7 ? reader.ReadInt64() : 0;
        if (count > 10)
        {
            RecordFields.ReadPacked(ref reader, record.EventNames);
            RecordFields.ReadPacked(ref reader, record.EventTicks);
            RecordFields.ReadPacked(ref reader, record.EventIds);
        }
        else
        {
            record.EventNames.Clear();
            record.EventTicks.Clear();
            record.EventIds.Clear();
        }

        record.FiledTicks = count > 11 ? reader.ReadInt64() : 0;
        RecordFields.SkipRest(ref reader, count, 12);
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
    public void Serialize(ref MessagePackWriter writer, TriggerUserRecord value, MessagePackSerializerOptions options) =>
        Write(ref writer, value);

    public TriggerUserRecord Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var record = new TriggerUserRecord();
        Read(ref reader, record, known: null);
        return record;
    }

    public static void Write(ref MessagePackWriter writer, TriggerUserRecord value)
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

    /// <summary>Reads a record into <paramref name="record"/> (a reused one on the hot path), taking trigger names from <paramref name="known"/>.</summary>
    public static void Read(ref MessagePackReader reader, TriggerUserRecord record, KnownStrings? known)
    {
        var count = reader.ReadArrayHeader();
        RecordFields.ReadCounts(ref reader, record.LastFired, known);
        RecordFields.ReadCounts(ref reader, record.Entries, known);
        record.RecentSends.Clear();
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

        record.Trace.CopyFrom(reader.Sequence.Slice(start, reader.Position), trace);
        RecordFields.SkipRest(ref reader, count, 4);
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

    public static void ReadCounts(ref MessagePackReader reader, Dictionary<string, long> values, KnownStrings? known)
    {
        values.Clear();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = KnownStrings.Read(ref reader, known);
            values[key] = reader.ReadInt64();
        }
    }

    // A packed list is written as the array it stands for, so the stored format is that of a list of its values.
    public static void WritePacked(ref MessagePackWriter writer, PackedValues values)
    {
        writer.WriteArrayHeader(values.Count);
        writer.WriteRaw(values.Bytes);
    }

    public static void ReadPacked(ref MessagePackReader reader, PackedValues values)
    {
        var count = reader.ReadArrayHeader();
        var start = reader.Position;
        for (var i = 0; i < count; i++)
        {
            reader.Skip();
        }

        values.CopyFrom(reader.Sequence.Slice(start, reader.Position), count);
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
