using MessagePack;
using MessagePack.Formatters;

namespace Personalization.Delivery.Outbox;

// Hand-written, like the trigger engine's record formatters: the record is internal, and MessagePack's resolver for
// non-public types costs tens of microseconds per record on the shard thread that submits a decision. An array of the
// fields in a fixed order; new fields go at the end and readers skip what they do not know.
internal sealed class OutboxRecordFormatter : IMessagePackFormatter<OutboxRecord>
{
    private const int FieldCount = 19;

    public void Serialize(ref MessagePackWriter writer, OutboxRecord value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(value.Kind);
        writer.Write(value.SendKey);
        writer.Write(value.Trigger);
        writer.Write(value.UserId);
        writer.Write(value.InstanceKey);
        writer.Write(value.EnteredAtTicks);
        writer.Write(value.DueTicks);
        writer.Write(value.Template);
        WriteStrings(ref writer, value.Reasons);
        WriteStrings(ref writer, value.EventNames);
        if (value.EventTicks is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteArrayHeader(value.EventTicks.Length);
            foreach (var ticks in value.EventTicks)
            {
                writer.Write(ticks);
            }
        }

        WriteStrings(ref writer, value.EventMessageIds);
        writer.Write(value.SubmittedTicks);
        writer.Write((int)value.Status);
        writer.Write(value.Attempts);
        writer.Write(value.EndedTicks);
        writer.Write(value.Reason);
        writer.Write(value.Error);
        if (value.Profile is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value.Profile);
        }
    }

    public OutboxRecord Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var count = reader.ReadArrayHeader();
        var record = new OutboxRecord
        {
            Kind = reader.ReadByte(),
            SendKey = reader.ReadString() ?? string.Empty,
            Trigger = reader.ReadString() ?? string.Empty,
            UserId = reader.ReadString() ?? string.Empty,
            InstanceKey = reader.ReadString(),
            EnteredAtTicks = reader.ReadInt64(),
            DueTicks = reader.ReadInt64(),
            Template = reader.ReadString(),
            Reasons = ReadStrings(ref reader),
            EventNames = ReadStrings(ref reader),
        };
        if (!reader.TryReadNil())
        {
            var ticks = new long[reader.ReadArrayHeader()];
            for (var i = 0; i < ticks.Length; i++)
            {
                ticks[i] = reader.ReadInt64();
            }

            record.EventTicks = ticks;
        }

        record.EventMessageIds = ReadStrings(ref reader);
        record.SubmittedTicks = reader.ReadInt64();
        record.Status = (SendStatus)reader.ReadInt32();
        record.Attempts = reader.ReadInt32();
        record.EndedTicks = reader.ReadInt64();
        record.Reason = reader.ReadString();
        record.Error = reader.ReadString();
        record.Profile = reader.TryReadNil() ? null : reader.ReadBytes() is { } bytes ? System.Buffers.BuffersExtensions.ToArray(bytes) : null;
        for (var i = FieldCount; i < count; i++)
        {
            reader.Skip();
        }

        return record;
    }

    private static void WriteStrings(ref MessagePackWriter writer, string?[]? values)
    {
        if (values is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(values.Length);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static string[]? ReadStrings(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var values = new string[reader.ReadArrayHeader()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadString()!;
        }

        return values;
    }
}
