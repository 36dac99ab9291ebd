using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MessagePack;
using Personalization.Events;

namespace Personalization.Storage;

/// <summary>
/// One entry of the ingest log: an accepted event or an erasure, with the wall-clock time of its ingest call.
/// Layout: a kind byte, the ingest time in UTC ticks (8 bytes, little-endian), then the event (MessagePack) or the
/// erased user id (UTF-8).
/// </summary>
internal readonly record struct IngestLogEntry(SegmentEvent? Event, string? EraseUserId, DateTimeOffset IngestTime)
{
    private const byte EventKind = 1;
    private const byte EraseKind = 2;
    private const int HeaderSize = 9;

    /// <summary>Writes the entry of an accepted event to <paramref name="writer"/>.</summary>
    public static void WriteEvent(IBufferWriter<byte> writer, SegmentEvent @event, DateTimeOffset ingestTime)
    {
        WriteHeader(writer.GetSpan(HeaderSize), EventKind, ingestTime);
        writer.Advance(HeaderSize);
        MessagePackSerializer.Serialize(writer, @event, MessagePackSerializerOptions.Standard);
    }

    public static byte[] ForErase(string userId, DateTimeOffset ingestTime)
    {
        var entry = new byte[HeaderSize + Encoding.UTF8.GetByteCount(userId)];
        WriteHeader(entry, EraseKind, ingestTime);
        Encoding.UTF8.GetBytes(userId, entry.AsSpan(HeaderSize));
        return entry;
    }

    /// <exception cref="InvalidDataException">The entry is not one this version wrote.</exception>
    public static IngestLogEntry Read(ReadOnlyMemory<byte> entry)
    {
        var span = entry.Span;
        if (span.Length < HeaderSize)
        {
            throw new InvalidDataException($"An ingest log entry of {span.Length} bytes is shorter than its header.");
        }

        var time = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[1..]), TimeSpan.Zero);
        return span[0] switch
        {
            EventKind => new IngestLogEntry(
                MessagePackSerializer.Deserialize<SegmentEvent>(entry[HeaderSize..], MessagePackSerializerOptions.Standard), null, time),
            EraseKind => new IngestLogEntry(null, Encoding.UTF8.GetString(span[HeaderSize..]), time),
            _ => throw new InvalidDataException($"Unknown ingest log entry kind {span[0]}."),
        };
    }

    private static void WriteHeader(Span<byte> entry, byte kind, DateTimeOffset ingestTime)
    {
        entry[0] = kind;
        BinaryPrimitives.WriteInt64LittleEndian(entry[1..], ingestTime.UtcTicks);
    }
}
