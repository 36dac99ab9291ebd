using MessagePack;
using Personalization.Internal;

namespace Personalization.Triggers.Engine;

internal sealed partial class TriggerEngine
{
    /// <summary>How many timers one bucket chunk holds: adding a timer rewrites one chunk, not the whole second.</summary>
    internal const int ChunkSize = 16;

    // Timers are coalesced into buckets per shard and second of due time, each split into chunks of at most
    // ChunkSize entries, so due timers are found by key lookups, not scans, and adding one costs a bounded rewrite.
    // The timer state in memory is the sorted set of seconds with chunks, the chunk count of each, and the last chunk
    // of recently used seconds (so that adding to it does not read it back first).
    private static void AddTimer(int shardIndex, ShardTriggers shard, string instanceId, string userId, long dueTicks) =>
        AddTimer(shardIndex, shard, shard.InstanceKey(instanceId)[1..], userId, dueTicks);

    // instanceId: the UTF-8 of the instance's id (its store key without the kind byte).
    private static void AddTimer(int shardIndex, ShardTriggers shard, ReadOnlySpan<byte> instanceId, string userId, long dueTicks)
    {
        var second = TriggerKeys.SecondOf(dueTicks);
        var chunks = shard.ChunkCount(second);
        var chunk = Math.Max(0, chunks - 1);
        Span<byte> key = stackalloc byte[TriggerKeys.BucketLength];
        TriggerKeys.WriteBucket(key, shardIndex, second, chunk);
        var bucket = chunks == 0 ? shard.OpenChunks.Start(second, chunk) : shard.OpenChunks.Find(second, chunk);
        if (bucket is null)
        {
            bucket = shard.OpenChunks.Start(second, chunk);
            if (shard.Store.TryRead(key))
            {
                bucket.Load(shard.Store.LastRead);
            }
        }

        if (bucket.Contains(instanceId))
        {
            return;
        }

        if (bucket.Count >= ChunkSize)
        {
            chunk++;
            TriggerKeys.WriteBucket(key, shardIndex, second, chunk);
            bucket.Reset(second, chunk);
        }

        bucket.Add(instanceId, userId);
        shard.Store.WriteBucket(key, bucket);
        shard.SetChunkCount(second, chunk + 1);
    }

    private void ResolveDue(int shardIndex, ShardTriggers shard, DateTimeOffset now, bool isFinal)
    {
        var nowTicks = now.UtcTicks;
        var nowSecond = TriggerKeys.SecondOf(nowTicks);
        var collected = shard.Collected;
        while (shard.Seconds.Count > 0)
        {
            var second = shard.Seconds.Min;
            if (!isFinal && second > nowSecond)
            {
                return;
            }

            collected.Clear();
            CollectSecond(shardIndex, shard, second, nowTicks, isFinal, collected);

            // Restarted instances go under their real due time now (see TriggerInstanceRecord.FiledTicks).
            var movedIds = new MessagePackReader(collected.MovedIds.Memory);
            foreach (var record in collected.Moved)
            {
                record.FiledTicks = record.DueAtTicks;
                var key = shard.InstanceKey(CollectedSecond.ReadId(ref movedIds));
                shard.Store.WriteInstance(key, record);
                AddTimer(shardIndex, shard, key[1..], record.UserId, record.DueAtTicks);
            }

            collected.Due.Sort(static (a, b) => a.DueAtTicks != b.DueAtTicks
                ? a.DueAtTicks.CompareTo(b.DueAtTicks)
                : string.CompareOrdinal(a.InstanceKey, b.InstanceKey));

            // The second is settled before deciding, so a decision that schedules a timer (a quiet-hours deferral)
            // can add to any bucket, this one included.
            var laterIds = new MessagePackReader(collected.LaterIds.Memory);
            foreach (var user in collected.LaterUsers)
            {
                AddTimer(shardIndex, shard, CollectedSecond.ReadId(ref laterIds), user, TriggerKeys.TicksOf(second));
            }

            foreach (var instance in collected.Due)
            {
                Decide(shardIndex, shard, instance);
            }

            if (collected.LaterUsers.Count > 0)
            {
                // Part of this second is still to come.
                return;
            }
        }
    }

    // Reads and deletes every chunk of one second: the instances due by now go to the collection's due, the rest of the
    // second to its later ones.
    private void CollectSecond(int shardIndex, ShardTriggers shard, long second, long nowTicks, bool isFinal, CollectedSecond collected)
    {
        var chunks = shard.ChunkCount(second);
        Span<byte> key = stackalloc byte[TriggerKeys.BucketLength];
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            TriggerKeys.WriteBucket(key, shardIndex, second, chunk);
            // The last chunk of a second added to lately is still open, with the bytes this shard stored.
            var bucket = shard.OpenChunks.Find(second, chunk);
            if (bucket is null)
            {
                if (!shard.Store.TryRead(key))
                {
                    continue;
                }

                bucket = collected.Chunk;
                bucket.Load(shard.Store.LastRead);
            }

            shard.Store.Delete(key);
            CollectChunk(shard, bucket, second, nowTicks, isFinal, collected);
        }

        shard.SetChunkCount(second, 0);
    }

    private void CollectChunk(ShardTriggers shard, OpenTimerChunk bucket, long second, long nowTicks, bool isFinal, CollectedSecond collected)
    {
        var ids = new MessagePackReader(bucket.Instances.Memory);
        var users = new MessagePackReader(bucket.Users.Memory);
        var usersRead = 0;
        for (var i = 0; i < bucket.Count; i++)
        {
            var id = CollectedSecond.ReadId(ref ids);
            if (!collected.AddSeen(id))
            {
                continue;
            }

            // Cancelled instances are gone, and ones filed again under another second leave a stale entry here.
            if (!shard.Store.TryRead(shard.InstanceKey(id)))
            {
                continue;
            }

            var instance = collected.Rent();
            shard.Store.DecodeLastRead(instance, _known);
            if (instance.FiledSecond != second)
            {
                collected.ReturnLast();
                continue;
            }

            // Restarted since it was filed here: its due time is in a later second, so it moves there (and is decided
            // in that second's turn, in due-time order, should the clock be past it already).
            if (TriggerKeys.SecondOf(instance.DueAtTicks) > second)
            {
                collected.Moved.Add(instance);
                CollectedSecond.Append(collected.MovedIds, id);
                continue;
            }

            if (isFinal || instance.DueAtTicks <= nowTicks)
            {
                collected.Due.Add(instance);
                continue;
            }

            collected.ReturnLast();
            CollectedSecond.Append(collected.LaterIds, id);
            // The users are only decoded for the timers that stay (as a decoded TimerBucketRecord reads them).
            for (; usersRead < i; usersRead++)
            {
                users.Skip();
            }

            collected.LaterUsers.Add(users.ReadString() ?? string.Empty);
            usersRead++;
        }
    }

    // Reads every bucket chunk once at start: fills each shard's index, and moves timers whose user now belongs to
    // another shard (the shard count changed since they were written) to that shard, so a user's timers and events
    // stay on one thread.
    private long RebuildTimerIndex(ShardTriggers[] shards)
    {
        if (shards.Length == 0)
        {
            return 0;
        }

        var scanner = shards[0].Store;
        var misplaced = new List<(byte[] Key, TimerBucketRecord Bucket)>();
        long pending = 0;
        foreach (var (key, value) in scanner.Session.Scan(TriggerKeys.Bucket))
        {
            var (shard, second, chunk) = TriggerKeys.ReadBucket(key);
            var bucket = TriggerStore.ReadBucket(value);
            pending += bucket.Instances.Count;
            if (shard < shards.Length && AllBelongTo(bucket, shard, shards.Length))
            {
                shards[shard].SetChunkCount(second, Math.Max(shards[shard].ChunkCount(second), chunk + 1));
            }
            else
            {
                misplaced.Add((key, bucket));
            }
        }

        // All misplaced chunks go first: a moved timer may land in a chunk key that another misplaced chunk still
        // occupies, and deleting that one afterwards would lose it.
        foreach (var (key, _) in misplaced)
        {
            scanner.Delete(key);
        }

        foreach (var (_, bucket) in misplaced)
        {
            for (var i = 0; i < bucket.Instances.Count; i++)
            {
                var owner = StableHash.Shard(bucket.Users[i], shards.Length);
                var instance = scanner.Read<TriggerInstanceRecord>(TriggerKeys.ForInstance(bucket.Instances[i]));
                if (instance is not null)
                {
                    instance.FiledTicks = instance.DueAtTicks;
                    scanner.Write(TriggerKeys.ForInstance(bucket.Instances[i]), instance);
                    AddTimer(owner, shards[owner], bucket.Instances[i], bucket.Users[i], instance.DueAtTicks);
                }
            }
        }

        return pending;
    }

    private static bool AllBelongTo(TimerBucketRecord bucket, int shard, int shardCount)
    {
        foreach (var user in bucket.Users)
        {
            if (StableHash.Shard(user, shardCount) != shard)
            {
                return false;
            }
        }

        return true;
    }
}
