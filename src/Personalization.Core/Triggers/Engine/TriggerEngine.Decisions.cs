using System.Globalization;
using MessagePack;
using Personalization.Profiles;

namespace Personalization.Triggers.Engine;

internal sealed partial class TriggerEngine
{
    // An instance came due: exit condition, suppression and consent, re-entry, frequency cap, quiet hours, then the
    // send. The decision's time is the due time, so a replay decides the same way however fast it runs.
    private void Decide(int shardIndex, ShardTriggers shard, TriggerInstanceRecord instance)
    {
        shard.Store.Delete(shard.InstanceKey(instance.Trigger, instance.UserId, instance.InstanceKey));
        if (!_indexOf.TryGetValue(instance.Trigger, out var index))
        {
            // A trigger removed from the configuration since the instance started: nothing to decide.
            return;
        }

        var trigger = _triggers[index];
        var due = new DateTimeOffset(instance.DueAtTicks, TimeSpan.Zero);
        byte[]? profileBytes = null;
        var profile = _sink is null ? shard.Store.ReadProfile(instance.UserId) : shard.Store.ReadProfile(instance.UserId, out profileBytes);
        var user = shard.ReadUser(instance.UserId, _known);
        if (trigger.ExitWhen is { } exit && (profile is null || exit(profile)))
        {
            Decided(shard, index, instance.UserId, user, due, instance.InstanceKey, TriggerOutcomes.Cancelled, TriggerReasons.ExitCondition);
            return;
        }

        if (PolicyStops(trigger, instance, profile, user, due) is { } reason)
        {
            Decided(shard, index, instance.UserId, user, due, instance.InstanceKey, TriggerOutcomes.Suppressed, reason);
            return;
        }

        if (_policies.QuietHoursEnd(profile, due) is { } quietEnd)
        {
            Defer(shardIndex, shard, index, instance, user, due, quietEnd);
            return;
        }

        user.LastFired[trigger.Name] = instance.DueAtTicks;
        user.RecentSends.Add(instance.DueAtTicks);
        Decided(shard, index, instance.UserId, user, due, instance.InstanceKey, TriggerOutcomes.Fired, TriggerReasons.Fired);
        _sink?.Submit(new SendIntent(
            SendKey: TriggerKeys.SendKey(trigger.Name, instance.UserId, instance.InstanceKey, instance.Occurrence),
            Trigger: trigger.Name,
            UserId: instance.UserId,
            InstanceKey: instance.InstanceKey,
            EnteredAt: new DateTimeOffset(instance.EnteredAtTicks, TimeSpan.Zero),
            Due: due,
            Template: trigger.Template,
            Reasons: Trail(instance))
        {
            Events = Events(instance, _known),
            Profile = profile,
            ProfileBytes = profileBytes,
        });
    }

    private string? PolicyStops(TriggerDefinition trigger, TriggerInstanceRecord instance, CustomerProfile? profile, TriggerUserRecord user, DateTimeOffset due)
    {
        if (_policies.SuppressionReason(trigger, instance.UserId, profile) is { } suppression)
        {
            return suppression;
        }

        DateTimeOffset? previous = user.LastFired.TryGetValue(trigger.Name, out var last) ? new DateTimeOffset(last, TimeSpan.Zero) : null;
        if (!trigger.Reentry.Allows(previous, due))
        {
            return TriggerReasons.Reentry;
        }

        return _policies.ReachedCap(user, instance.DueAtTicks) ? TriggerReasons.FrequencyCap : null;
    }

    // Quiet hours move the send to their end, unless that is past the send-by deadline of the original due time.
    private void Defer(int shardIndex, ShardTriggers shard, int index, TriggerInstanceRecord instance, TriggerUserRecord user,
        DateTimeOffset due, DateTimeOffset quietEnd)
    {
        var original = instance.OriginalDueTicks != 0 ? instance.OriginalDueTicks : instance.DueAtTicks;
        if (quietEnd.UtcTicks - original > _policies.SendBy.Ticks)
        {
            Decided(shard, index, instance.UserId, user, due, instance.InstanceKey, TriggerOutcomes.Suppressed, TriggerReasons.QuietHours);
            return;
        }

        instance.OriginalDueTicks = original;
        instance.DueAtTicks = quietEnd.UtcTicks;
        instance.FiledTicks = instance.DueAtTicks;
        var key = shard.InstanceKey(instance.Trigger, instance.UserId, instance.InstanceKey);
        shard.Store.WriteInstance(key, instance);
        AddTimer(shardIndex, shard, key[1..], instance.UserId, instance.DueAtTicks);
        Decided(shard, index, instance.UserId, user, due, instance.InstanceKey, TriggerOutcomes.Deferred, TriggerReasons.QuietHours);
    }

    private static TriggeringEvent[] Events(TriggerInstanceRecord instance, KnownStrings known)
    {
        var events = new TriggeringEvent[instance.EventNames.Count];
        var names = new MessagePackReader(instance.EventNames.Memory);
        var ticks = new MessagePackReader(instance.EventTicks.Memory);
        var ids = new MessagePackReader(instance.EventIds.Memory);
        for (var i = 0; i < events.Length; i++)
        {
            var name = KnownStrings.Read(ref names, known);
            var at = new DateTimeOffset(ticks.ReadInt64(), TimeSpan.Zero);
            var id = KnownStrings.Read(ref ids, known: null);
            events[i] = new TriggeringEvent(name, at, id.Length == 0 ? null : id);
        }

        return events;
    }

    private static string[] Trail(TriggerInstanceRecord instance)
    {
        var trail = new List<string>(4) { TriggerReasons.Entered };
        if (instance.Restarts > 0)
        {
            trail.Add(string.Create(CultureInfo.InvariantCulture, $"{TriggerReasons.Restarted} x{instance.Restarts}"));
        }

        if (instance.OriginalDueTicks != 0)
        {
            trail.Add(TriggerOutcomes.Deferred + ": " + TriggerReasons.QuietHours);
        }

        trail.Add(TriggerReasons.Fired);
        return [.. trail];
    }
}
