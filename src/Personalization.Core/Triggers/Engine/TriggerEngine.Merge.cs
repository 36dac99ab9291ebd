namespace Personalization.Triggers.Engine;

internal sealed partial class TriggerEngine
{
    /// <summary>
    /// Moves a merged profile's trigger state to the profile it was merged into, on the target's shard (the source's
    /// shard has applied everything before the merge and will not see the source again). Each pending instance of the
    /// source becomes an instance of the target with the target's next occurrence (so its send key is new) and the same
    /// due time; where the target already has that instance, the target's stays and the source's ends. The send history
    /// combines, so the frequency cap and re-entry count the sends of both.
    /// </summary>
    /// <returns>How many pending instances moved.</returns>
    public int Merge(int shardIndex, string fromUserId, string toUserId, DateTimeOffset at)
    {
        if (shardIndex >= _shards.Length)
        {
            return 0;
        }

        var shard = _shards[shardIndex];
        var fromKey = TriggerKeys.ForUser(fromUserId);
        var from = shard.Store.Read<TriggerUserRecord>(fromKey);
        var instanceKeys = new HashSet<string>(StringComparer.Ordinal) { fromUserId };
        if (from is not null)
        {
            foreach (var entry in from.Trace.Decode())
            {
                instanceKeys.Add(entry.InstanceKey);
            }
        }

        var toKey = TriggerKeys.ForUser(toUserId);
        var to = shard.Store.Read<TriggerUserRecord>(toKey);
        var moved = 0;
        for (var index = 0; index < _triggers.Length; index++)
        {
            foreach (var instanceKey in instanceKeys)
            {
                var key = TriggerKeys.ForInstance(TriggerKeys.InstanceId(_triggers[index].Name, fromUserId, instanceKey));
                if (shard.Store.Read<TriggerInstanceRecord>(key) is not { } instance)
                {
                    continue;
                }

                shard.Store.Delete(key);
                to ??= new TriggerUserRecord();
                if (MoveInstance(shardIndex, shard, index, instance, instanceKey == fromUserId ? toUserId : instanceKey, toUserId, to, at))
                {
                    moved++;
                }
            }
        }

        if (from is not null)
        {
            to ??= new TriggerUserRecord();
            CombineHistory(to, from);
            shard.Store.Delete(fromKey);
        }

        if (to is not null)
        {
            shard.Store.Write(toKey, to);
        }

        return moved;
    }

    private bool MoveInstance(int shardIndex, ShardTriggers shard, int index, TriggerInstanceRecord instance, string instanceKey,
        string toUserId, TriggerUserRecord to, DateTimeOffset at)
    {
        var trigger = _triggers[index].Name;
        var instanceId = TriggerKeys.InstanceId(trigger, toUserId, instanceKey);
        var key = TriggerKeys.ForInstance(instanceId);
        if (shard.Store.Read<TriggerInstanceRecord>(key) is not null)
        {
            // The target's own instance stays; the source's ends here (its stale timer is skipped when due).
            _metrics.Count(index, trigger, TriggerOutcomes.Cancelled, TriggerReasons.Merged);
            to.Trace.Append(at.UtcTicks, trigger, instanceKey, TriggerOutcomes.Cancelled, TriggerReasons.Merged, MaxTrace);
            return false;
        }

        var occurrence = to.Entries.GetValueOrDefault(trigger) + 1;
        to.Entries[trigger] = occurrence;
        instance.UserId = toUserId;
        instance.InstanceKey = instanceKey;
        instance.Occurrence = occurrence;
        shard.Store.Write(key, instance);
        AddTimer(shardIndex, shard, instanceId, toUserId, instance.DueAtTicks);
        to.Trace.Append(at.UtcTicks, trigger, instanceKey, TriggerOutcomes.Entered, TriggerReasons.Merged, MaxTrace);
        return true;
    }

    // The send history of both: the latest fire of each trigger and every recent send, so that a merge never lets
    // a user be sent to more often than either identity alone would allow.
    private static void CombineHistory(TriggerUserRecord to, TriggerUserRecord from)
    {
        foreach (var (trigger, ticks) in from.LastFired)
        {
            if (!to.LastFired.TryGetValue(trigger, out var existing) || ticks > existing)
            {
                to.LastFired[trigger] = ticks;
            }
        }

        if (from.RecentSends.Count > 0)
        {
            to.RecentSends.AddRange(from.RecentSends);
            to.RecentSends.Sort();
        }
    }
}
