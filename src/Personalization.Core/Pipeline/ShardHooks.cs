namespace Personalization.Pipeline;

/// <summary>What a shard asks of the rest of the engine, on its own thread, for a user it owns.</summary>
/// <param name="Erase">Erases the user's trigger and delivery state (after the shard deleted the profile).</param>
/// <param name="Merge">Moves the trigger state of a merged id to the id it was merged into; returns how many pending
/// instances moved.</param>
/// <param name="Faulted">Faults when any stage fails, so that a shard waiting for another shard's hand-over stops too.</param>
internal sealed record ShardHooks(Action<int, string> Erase, Func<int, string, string, DateTimeOffset, int> Merge, Task Faulted);
