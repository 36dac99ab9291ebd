namespace Personalization.Triggers.Engine;

/// <summary>A merged id's trigger state, taken out of the store by its shard and handed to the target's shard.</summary>
internal sealed class MergedTriggerState
{
    /// <summary>The id's trigger history (entries, sends, trace), if it had one.</summary>
    public TriggerUserRecord? User { get; init; }

    /// <summary>The id's pending instances: trigger index, instance key, record.</summary>
    public List<(int Trigger, string InstanceKey, TriggerInstanceRecord Instance)> Instances { get; } = [];
}

internal sealed partial class TriggerEngine
{
    /// <summary>
    /// On the merged id's shard, once it has applied everything routed to it before the merge: takes the id's pending
    /// instances and trigger history out of the store, so this shard can never fire them after the hand-over (their
    /// timer entries here are stale and skipped when due).
    /// </summary>
    public MergedTriggerState? TakeForMerge(int shardIndex, string fromUserId)
    {
        if (shardIndex >= _shards.Length)
        {
            return null;
        }

        var shard = _shards[shardIndex];
        var userKey = TriggerKeys.ForUser(fromUserId);
        var state = new MergedTriggerState { User = shard.Store.Read<TriggerUserRecord>(userKey) };
        var instanceKeys = new HashSet<string>(StringComparer.Ordinal) { fromUserId };
        if (state.User is not null)
        {
            foreach (var entry in state.User.Trace.Decode())
            {
                instanceKeys.Add(entry.InstanceKey);
            }

            shard.Store.Delete(userKey);
        }

        for (var index = 0; index < _triggers.Length; index++)
        {
            foreach (var instanceKey in instanceKeys)
            {
                var key = TriggerKeys.ForInstance(TriggerKeys.InstanceId(_triggers[index].Name, fromUserId, instanceKey));
                if (shard.Store.Read<TriggerInstanceRecord>(key) is { } instance)
                {
                    shard.Store.Delete(key);
                    state.Instances.Add((index, instanceKey, instance));
                }
            }
        }

        return state.User is null && state.Instances.Count == 0 ? null : state;
    }

    /// <summary>
    /// On the target's shard: each pending instance taken from the merged id becomes the target's, with the target's
    /// next occurrence (so its send key is new) and the same due time; where the target already has that instance, the
    /// target's stays and the other ends. The send histories combine, so the frequency cap and re-entry count the sends
    /// of both.
    /// </summary>
    /// <returns>How many pending instances moved.</returns>
    public int GiveMerged(int shardIndex, string fromUserId, string toUserId, MergedTriggerState? state, DateTimeOffset at)
    {
        if (state is null || shardIndex >= _shards.Length)
        {
            return 0;
        }

        var shard = _shards[shardIndex];
        var toKey = TriggerKeys.ForUser(toUserId);
        var to = shard.Store.Read<TriggerUserRecord>(toKey) ?? new TriggerUserRecord();
        var moved = 0;
        foreach (var (index, instanceKey, instance) in state.Instances)
        {
            if (MoveInstance(shardIndex, shard, index, instance, instanceKey == fromUserId ? toUserId : instanceKey, toUserId, to, at))
            {
                moved++;
            }
        }

        if (state.User is { } from)
        {
            CombineHistory(to, from);
        }

        shard.Store.Write(toKey, to);
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
            // The target's own instance stays; the merged one ends here.
            _metrics.Count(index, trigger, TriggerOutcomes.Cancelled, TriggerReasons.Merged);
            to.Trace.Append(at.UtcTicks, trigger, instanceKey, TriggerOutcomes.Cancelled, TriggerReasons.Merged, MaxTrace);
            return false;
        }

        var occurrence = to.Entries.GetValueOrDefault(trigger) + 1;
        to.Entries[trigger] = occurrence;
        instance.UserId = toUserId;
        instance.InstanceKey = instanceKey;
        instance.Occurrence = occurrence;
        instance.FiledTicks = instance.DueAtTicks;
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
