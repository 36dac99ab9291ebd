using Personalization.Profiles;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// What a baseline keeps in memory per user: the profile (the Dataflow baseline only; the Redis baseline keeps it in
/// Redis), the facts its timers check when they fire, and per trigger the pending <see cref="Timer"/> and the time of
/// the last send. The shard that owns the user and the timers' callbacks both take the object's lock.
/// </summary>
internal sealed class BaselineUserState(string userId, int triggers)
{
    public string UserId { get; } = userId;

    public CustomerProfile? Profile { get; set; }

    /// <summary>The number of cart lines after the latest event (cart abandonment exits on an empty cart).</summary>
    public int CartLines { get; set; }

    public bool Welcomed { get; set; }

    /// <summary>The pending timer of each trigger, by <c>BaselineTriggers.Kind</c>.</summary>
    public Timer?[] Timers { get; } = new Timer?[triggers];

    /// <summary>When each trigger last sent, by <c>BaselineTriggers.Kind</c>.</summary>
    public DateTimeOffset?[] LastSends { get; } = new DateTimeOffset?[triggers];
}
