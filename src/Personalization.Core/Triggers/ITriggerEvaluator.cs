namespace Personalization.Triggers;

/// <summary>
/// Decides, on the trigger stage, what an event or the passing of time means for a user's journeys.
/// </summary>
/// <remarks>
/// The trigger stage is sharded like the enrich stage: every call for one user comes from the same shard, in ingest
/// order, and calls for one shard never overlap. Calls for different shards run in parallel, so an evaluator that
/// keeps state must keep it per <see cref="TriggerEventContext.Shard"/> or make it thread-safe. The calls are on the
/// pipeline's hot path: do not block in them.
/// </remarks>
public interface ITriggerEvaluator
{
    /// <summary>Called after an event was applied to its user's profile.</summary>
    void OnEvent(TriggerEventContext context);

    /// <summary>Called when a shard's clock moved forward (before the event that moved it is applied), on idle
    /// ticks in processing time, and once per shard with <see cref="TriggerClockContext.IsFinal"/> at the end of
    /// a replay.</summary>
    void OnClock(TriggerClockContext context);
}
