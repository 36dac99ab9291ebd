using Personalization.Internal;

namespace Personalization.Triggers.Engine;

internal sealed partial class TriggerEngine
{
    // Timers are coalesced into one bucket per second of due time and shard, so due timers are found by key lookups,
    // not scans; the sorted set of non-empty bucket seconds is the only timer state in memory.
    private static void AddTimer(int shardIndex, ShardTriggers shard, string instanceId, string userId, long dueTicks)
    {
        var second = TriggerKeys.SecondOf(dueTicks);
        var key = TriggerKeys.ForBucket(shardIndex, second);
        var bucket = shard.Store.Read<TimerBucketRecord>(key) ?? new TimerBucketRecord();
        if (bucket.Instances.Contains(instanceId))
        {
            return;
        }

        bucket.Instances.Add(instanceId);
        bucket.Users.Add(userId);
        shard.Store.Write(key, bucket);
        shard.Buckets.Add(second);
    }

    private void ResolveDue(int shardIndex, ShardTriggers shard, DateTimeOffset now, bool isFinal)
    {
        var nowTicks = now.UtcTicks;
        var nowSecond = TriggerKeys.SecondOf(nowTicks);
        while (shard.Buckets.Count > 0)
        {
            var second = shard.Buckets.Min;
            if (!isFinal && second > nowSecond)
            {
                return;
            }

            var key = TriggerKeys.ForBucket(shardIndex, second);
            var bucket = shard.Store.Read<TimerBucketRecord>(key) ?? new TimerBucketRecord();
            var due = new List<TriggerInstanceRecord>();
            var later = new TimerBucketRecord();
            for (var i = 0; i < bucket.Instances.Count; i++)
            {
                var instance = shard.Store.Read<TriggerInstanceRecord>(TriggerKeys.ForInstance(bucket.Instances[i]));
                // Cancelled instances are gone, and restarted ones wait in a later bucket: both leave a stale entry here.
                if (instance is null || TriggerKeys.SecondOf(instance.DueAtTicks) != second)
                {
                    continue;
                }

                if (isFinal || instance.DueAtTicks <= nowTicks)
                {
                    due.Add(instance);
                }
                else
                {
                    later.Instances.Add(bucket.Instances[i]);
                    later.Users.Add(bucket.Users[i]);
                }
            }

            due.Sort(static (a, b) => a.DueAtTicks != b.DueAtTicks
                ? a.DueAtTicks.CompareTo(b.DueAtTicks)
                : string.CompareOrdinal(a.InstanceKey, b.InstanceKey));

            // The bucket is settled before deciding, so a decision that schedules a timer (a quiet-hours deferral)
            // can add to any bucket, this one included.
            if (later.Instances.Count > 0)
            {
                shard.Store.Write(key, later);
            }
            else
            {
                shard.Store.Delete(key);
                shard.Buckets.Remove(second);
            }

            foreach (var instance in due)
            {
                Decide(shardIndex, shard, instance);
            }

            if (later.Instances.Count > 0)
            {
                // Part of this second is still to come.
                return;
            }
        }
    }

    // Reads every bucket once at start: fills each shard's index, and moves timers whose user now belongs to another
    // shard (the shard count changed since they were written) to that shard, so a user's timers and events stay on
    // one thread.
    private long RebuildTimerIndex(ShardTriggers[] shards)
    {
        if (shards.Length == 0)
        {
            return 0;
        }

        var scanner = shards[0].Store;
        var misplaced = new List<(byte[] Key, TimerBucketRecord Bucket, long Second)>();
        long pending = 0;
        foreach (var (key, value) in scanner.Session.Scan(TriggerKeys.Bucket))
        {
            var (shard, second) = TriggerKeys.ReadBucket(key);
            var bucket = TriggerStore.ReadBucket(value);
            pending += bucket.Instances.Count;
            if (shard < shards.Length && AllBelongTo(bucket, shard, shards.Length))
            {
                shards[shard].Buckets.Add(second);
            }
            else
            {
                misplaced.Add((key, bucket, second));
            }
        }

        // All misplaced buckets go first: a moved timer may land in a bucket key that another misplaced bucket still
        // occupies, and deleting that one afterwards would lose it.
        foreach (var (key, _, _) in misplaced)
        {
            scanner.Delete(key);
        }

        foreach (var (_, bucket, _) in misplaced)
        {
            for (var i = 0; i < bucket.Instances.Count; i++)
            {
                var owner = StableHash.Shard(bucket.Users[i], shards.Length);
                var instance = scanner.Read<TriggerInstanceRecord>(TriggerKeys.ForInstance(bucket.Instances[i]));
                if (instance is not null)
                {
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
