namespace Personalization.Triggers;

/// <summary>The state of a shard's clock when it moved. Valid only during the <see cref="ITriggerEvaluator.OnClock"/> call.</summary>
/// <param name="Shard">The shard whose clock moved.</param>
/// <param name="Now">The shard's clock: timers due at or before it are due.</param>
/// <param name="IsFinal">The end of a replay: every pending timer should resolve now.</param>
public readonly record struct TriggerClockContext(int Shard, DateTimeOffset Now, bool IsFinal);
