using Personalization.Triggers.Engine;

namespace Personalization.Pipeline;

/// <summary>What a shard asks of the rest of the engine, on its own thread, for a user it owns.</summary>
/// <param name="Erase">Erases the user's trigger, delivery and dead-letter state (after the shard deleted the profile),
/// with the other ids the profile had (anonymous and merged ids).</param>
/// <param name="EventFailed">Keeps an accepted event that could not be applied in the dead letters.</param>
/// <param name="TakeTriggers">On the merged id's shard: takes the id's trigger state out of the store.</param>
/// <param name="GiveTriggers">On the target's shard: makes the taken trigger state the target's; returns how many pending
/// instances moved.</param>
/// <param name="Faulted">Faults when any stage fails, so that a shard waiting for another shard's hand-over stops too.</param>
internal sealed record ShardHooks(
    Action<int, string, IReadOnlyList<string>> Erase,
    Action<Events.SegmentEvent, Exception> EventFailed,
    Func<int, string, MergedTriggerState?> TakeTriggers,
    Func<int, string, string, MergedTriggerState?, DateTimeOffset, int> GiveTriggers,
    Task Faulted);
