using Personalization.Profiles;
using Personalization.Triggers.Engine;

namespace Personalization.Pipeline;

/// <summary>
/// An identity merge across shards: the merged id's shard takes the id's profile and trigger state out of its store
/// when it reaches the hand-over item (after everything routed to it before the merge), and the target's shard waits for
/// them. Taking them out on the source shard means it can never fire the merged id's timers after the hand-over.
/// </summary>
internal sealed class MergeHandoff(string fromId)
{
    private readonly TaskCompletionSource<MergedIdentity> _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The id being merged.</summary>
    public string FromId { get; } = fromId;

    /// <summary>Completes with what the source shard took out.</summary>
    public Task<MergedIdentity> Taken => _taken.Task;

    public void Complete(MergedIdentity identity) => _taken.TrySetResult(identity);
}

/// <summary>What a merged id leaves to the profile it joins: its profile and its trigger state (either may be absent).</summary>
internal sealed record MergedIdentity(CustomerProfile? Profile, MergedTriggerState? Triggers)
{
    public static readonly MergedIdentity Empty = new(null, null);
}
