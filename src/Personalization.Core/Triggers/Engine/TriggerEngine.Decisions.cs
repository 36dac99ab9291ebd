using System.Globalization;

namespace Personalization.Triggers.Engine;

internal sealed partial class TriggerEngine
{
    // An instance came due: the exit condition, then the re-entry policy, then the send. The decision's time is the
    // due time, so a replay decides the same way however fast it runs.
    private void Decide(ShardTriggers shard, TriggerInstanceRecord instance)
    {
        var instanceKey = TriggerKeys.ForInstance(TriggerKeys.InstanceId(instance.Trigger, instance.InstanceKey));
        shard.Store.Delete(instanceKey);
        if (!_indexOf.TryGetValue(instance.Trigger, out var index))
        {
            // A trigger removed from the configuration since the instance started: nothing to decide.
            return;
        }

        var trigger = _triggers[index];
        var due = new DateTimeOffset(instance.DueAtTicks, TimeSpan.Zero);
        if (trigger.ExitWhen is { } exit)
        {
            var profile = shard.Store.ReadProfile(instance.UserId);
            if (profile is null || exit(profile))
            {
                _metrics.Cancelled(index, trigger.Name, TriggerReasons.ExitCondition);
                return;
            }
        }

        var userKey = TriggerKeys.ForUser(instance.UserId);
        var user = shard.Store.Read<TriggerUserRecord>(userKey) ?? new TriggerUserRecord();
        DateTimeOffset? previous = user.LastFired.TryGetValue(trigger.Name, out var last) ? new DateTimeOffset(last, TimeSpan.Zero) : null;
        if (!trigger.Reentry.Allows(previous, due))
        {
            _metrics.Suppressed(index, trigger.Name, TriggerReasons.Reentry);
            return;
        }

        user.LastFired[trigger.Name] = instance.DueAtTicks;
        shard.Store.Write(userKey, user);
        _metrics.Fired(index, trigger.Name);
        _sink?.Submit(new SendIntent(
            SendKey: string.Create(CultureInfo.InvariantCulture, $"{trigger.Name}:{instance.InstanceKey}:{instance.Occurrence}"),
            Trigger: trigger.Name,
            UserId: instance.UserId,
            InstanceKey: instance.InstanceKey,
            EnteredAt: new DateTimeOffset(instance.EnteredAtTicks, TimeSpan.Zero),
            Due: due,
            Template: trigger.Template,
            Reasons: Trail(instance)));
    }

    private static string[] Trail(TriggerInstanceRecord instance) => instance.Restarts == 0
        ? [TriggerReasons.Entered, TriggerReasons.Fired]
        : [TriggerReasons.Entered, string.Create(CultureInfo.InvariantCulture, $"{TriggerReasons.Restarted} x{instance.Restarts}"), TriggerReasons.Fired];
}
