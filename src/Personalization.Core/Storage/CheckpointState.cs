using System.Buffers;
using System.Buffers.Binary;

namespace Personalization.Storage;

/// <summary>
/// What a checkpoint reflects besides the records themselves: the ingest-log position up to which every entry is
/// applied, and the stages' clocks there. Written into the store just before the checkpoint, so it is part of it.
/// </summary>
internal sealed record CheckpointState(long LogPosition, DateTimeOffset DedupeWatermark, DateTimeOffset[] ShardClocks)
{
    private const byte Version = 1;
    private static readonly byte[] s_key = StoreKeys.Create(StoreKeys.Meta, "checkpoint");

    /// <summary>Reads the state of the checkpoint the store was recovered from; <see langword="null"/> in a new store.</summary>
    /// <exception cref="InvalidDataException">The record is not one this version wrote.</exception>
    public static CheckpointState? Read(IKeyValueSession session)
    {
        var value = new ArrayBufferWriter<byte>(64);
        if (!session.TryRead(s_key, value))
        {
            return null;
        }

        var span = value.WrittenSpan;
        if (span.Length < 21 || span[0] != Version)
        {
            throw new InvalidDataException($"The checkpoint state record ({span.Length} bytes, version {(span.Length > 0 ? span[0] : 0)}) is not one this version wrote.");
        }

        var position = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
        var watermark = Ticks(BinaryPrimitives.ReadInt64LittleEndian(span[9..]));
        var shards = BinaryPrimitives.ReadInt32LittleEndian(span[17..]);
        if (shards < 0 || span.Length != 21 + (shards * 8))
        {
            throw new InvalidDataException($"The checkpoint state record has {span.Length} bytes for {shards} shards.");
        }

        var clocks = new DateTimeOffset[shards];
        for (var i = 0; i < shards; i++)
        {
            clocks[i] = Ticks(BinaryPrimitives.ReadInt64LittleEndian(span[(21 + (i * 8))..]));
        }

        return new CheckpointState(position, watermark, clocks);
    }

    public void Write(IKeyValueSession session)
    {
        var value = new byte[21 + (ShardClocks.Length * 8)];
        value[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(1), LogPosition);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(9), DedupeWatermark.UtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(17), ShardClocks.Length);
        for (var i = 0; i < ShardClocks.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(21 + (i * 8)), ShardClocks[i].UtcTicks);
        }

        session.Upsert(s_key, value);
    }

    private static DateTimeOffset Ticks(long ticks) => new(ticks, TimeSpan.Zero);
}
