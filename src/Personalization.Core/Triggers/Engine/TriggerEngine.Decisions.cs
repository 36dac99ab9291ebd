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
        var profile = shard.Store.ReadProfile(instance.UserId);
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
        if (_sink is null)
        {
            return;
        }

        // The intent gets a profile and bytes of its own: the sink keeps them, on another thread.
        _sink.Submit(new SendIntent(
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
            ProfileBytes = profile is null ? null : shard.Store.LastProfile.ToArray(),
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
        var deferred = instance.OriginalDueTicks != 0;
        var trail = new string[2 + (instance.Restarts > 0 ? 1 : 0) + (deferred ? 1 : 0)];
        var at = 0;
        trail[at++] = TriggerReasons.Entered;
        if (instance.Restarts > 0)
        {
            trail[at++] = Restarted(instance.Restarts);
        }

        if (deferred)
        {
            trail[at++] = TriggerOutcomes.Deferred + ": " + TriggerReasons.QuietHours;
        }

        trail[at] = TriggerReasons.Fired;
        return trail;
    }

    // "restarted xN": the usual counts made once (strings are immutable, so every send may share them).
    private static readonly string[] s_restarted = [.. Enumerable.Range(0, 64).Select(FormatRestarted)];

    private static string Restarted(int restarts) =>
        (uint)restarts < (uint)s_restarted.Length ? s_restarted[restarts] : FormatRestarted(restarts);

    private static string FormatRestarted(int restarts) =>
        string.Create(CultureInfo.InvariantCulture, $"{TriggerReasons.Restarted} x{restarts}");
}
