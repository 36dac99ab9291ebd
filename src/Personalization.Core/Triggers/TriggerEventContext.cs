using Personalization.Events;
using Personalization.Profiles;

namespace Personalization.Triggers;

/// <summary>
/// What the trigger stage knows when an event was applied. One instance per shard is reused for every event:
/// it is only valid during the <see cref="ITriggerEvaluator.OnEvent"/> call.
/// </summary>
public sealed class TriggerEventContext
{
    private ReadOnlyMemory<byte> _previousState;
    private CustomerProfile? _profileBefore;

    internal TriggerEventContext(int shard) => Shard = shard;

    /// <summary>The shard that applied the event.</summary>
    public int Shard { get; }

    /// <summary>The event.</summary>
    public SegmentEvent Event { get; private set; } = null!;

    /// <summary>The profile after the event was applied.</summary>
    /// <remarks>Read-only, and valid during the call only: it is the shard's own copy, which the next event of the user
    /// updates (see <see cref="Storage.StoreOptions.ProfileCacheSize"/>). An evaluator that keeps profile data keeps
    /// the values it needs, not this object.</remarks>
    public CustomerProfile Profile { get; private set; } = null!;

    /// <summary>Whether this event created the profile.</summary>
    public bool IsNewProfile => _previousState.IsEmpty;

    /// <summary>The shard's clock when the event was applied.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>The profile before the event was applied, or <see langword="null"/> for a new profile.
    /// Read on demand: evaluators that do not need it pay nothing.</summary>
    public CustomerProfile? ProfileBefore =>
        _profileBefore ??= _previousState.IsEmpty ? null : ProfileSerializer.Deserialize(_previousState);

    internal void Reset(SegmentEvent @event, CustomerProfile profile, ReadOnlyMemory<byte> previousState, DateTimeOffset now)
    {
        Event = @event;
        Profile = profile;
        _previousState = previousState;
        _profileBefore = null;
        Now = now;
    }
}
