using System.Buffers;
using System.Buffers.Binary;
using Personalization.Storage;

namespace Personalization.Triggers.Engine;

// The in-memory timer index (which seconds of which shard have bucket chunks) is saved with every checkpoint, so that a
// start reads one record instead of walking the whole store for bucket keys.
internal sealed partial class TriggerEngine
{
    private const byte TimerIndexVersion = 1;
    private static readonly byte[] s_timerIndexKey = StoreKeys.Create(StoreKeys.Meta, "timer-index");

    /// <summary>Writes the timer index into the store (with the stages held: it must match the checkpoint).</summary>
    public void SaveTimerIndex(IKeyValueSession session)
    {
        var size = 5;
        foreach (var shard in _shards)
        {
            size += 4 + (shard.Seconds.Count * 12);
        }

        var value = new byte[size];
        value[0] = TimerIndexVersion;
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(1), _shards.Length);
        var at = 5;
        foreach (var shard in _shards)
        {
            BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(at), shard.Seconds.Count);
            at += 4;
            foreach (var second in shard.Seconds)
            {
                BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(at), second);
                BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(at + 8), shard.ChunkCount(second));
                at += 12;
            }
        }

        session.Upsert(s_timerIndexKey, value);
    }

    // Fills the shards' index from the saved record; false when there is none, or it was saved with another shard count
    // (then the store is scanned, which also moves timers to their new shards).
    private static bool TryLoadTimerIndex(ShardTriggers[] shards, IKeyValueSession session, out long seconds)
    {
        seconds = 0;
        var buffer = new ArrayBufferWriter<byte>(1024);
        if (!session.TryRead(s_timerIndexKey, buffer))
        {
            return false;
        }

        var value = buffer.WrittenSpan;
        if (value.Length < 5 || value[0] != TimerIndexVersion || BinaryPrimitives.ReadInt32LittleEndian(value[1..]) != shards.Length)
        {
            return false;
        }

        var at = 5;
        foreach (var shard in shards)
        {
            var count = BinaryPrimitives.ReadInt32LittleEndian(value[at..]);
            at += 4;
            for (var i = 0; i < count; i++)
            {
                shard.SetChunkCount(BinaryPrimitives.ReadInt64LittleEndian(value[at..]), BinaryPrimitives.ReadInt32LittleEndian(value[(at + 8)..]));
                at += 12;
            }

            seconds += count;
        }

        return true;
    }
}
