namespace Personalization.Triggers;

/// <summary>What one trigger decided so far.</summary>
/// <param name="Entered">Instances started.</param>
/// <param name="Restarted">Due times moved by a restart event.</param>
/// <param name="Cancelled">Instances ended by a cancel event or by the exit condition when due.</param>
/// <param name="Suppressed">Instances that came due but a policy stopped the send.</param>
/// <param name="Fired">Instances that came due and were handed to delivery.</param>
/// <param name="Deferred">Sends moved to the end of the user's quiet hours. A deferred instance is pending again and
/// is later counted once more: as fired, suppressed, cancelled or restarted.</param>
public readonly record struct TriggerCounts(long Entered, long Restarted, long Cancelled, long Suppressed, long Fired, long Deferred = 0);
