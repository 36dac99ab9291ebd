namespace Personalization.Triggers;

/// <summary>One decision of the trigger engine about a user, as kept in the user's decision trace.</summary>
/// <param name="At">The clock when it was decided (for due-time decisions, the due time).</param>
/// <param name="Trigger">The trigger's name.</param>
/// <param name="InstanceKey">The instance's key.</param>
/// <param name="Outcome">One of <c>entered</c>, <c>cancelled</c>, <c>suppressed</c>, <c>deferred</c>, <c>fired</c>.</param>
/// <param name="Reason">The reason code (see <see cref="TriggerReasons"/>).</param>
public sealed record TriggerDecision(DateTimeOffset At, string Trigger, string InstanceKey, string Outcome, string Reason);
