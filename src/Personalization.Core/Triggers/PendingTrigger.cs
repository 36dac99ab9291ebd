namespace Personalization.Triggers;

/// <summary>A trigger instance waiting for its due time (see <c>PersonalizationPipeline.ScanPendingTriggersAsync</c>).</summary>
/// <param name="Trigger">The trigger's name.</param>
/// <param name="UserId">The user the instance belongs to.</param>
/// <param name="InstanceKey">The instance key (the user id unless the trigger is keyed by something else).</param>
/// <param name="Occurrence">The user's entry count for the trigger when the instance started (part of the send key).</param>
/// <param name="EnteredAt">When the instance started.</param>
/// <param name="DueAt">When it comes due: then it fires, unless an exit condition or a policy stops it.</param>
/// <param name="Restarts">How often its due time was moved by a restart event.</param>
public sealed record PendingTrigger(string Trigger, string UserId, string InstanceKey, long Occurrence, DateTimeOffset EnteredAt,
    DateTimeOffset DueAt, int Restarts);
