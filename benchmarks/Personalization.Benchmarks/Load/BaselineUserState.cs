using Personalization.Profiles;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// What a baseline keeps in memory per user: the profile (the Dataflow baseline only; the Redis baseline keeps it in
/// Redis), the facts its timers check when they fire, and one <see cref="Timer"/> per pending trigger. The shard that
/// owns the user and the timers' callbacks both take the object's lock.
/// </summary>
internal sealed class BaselineUserState(string userId)
{
    public string UserId { get; } = userId;

    public CustomerProfile? Profile { get; set; }

    /// <summary>The number of cart lines after the latest event (cart abandonment exits on an empty cart).</summary>
    public int CartLines { get; set; }

    public bool Welcomed { get; set; }

    public DateTimeOffset? LastCartSend { get; set; }

    public DateTimeOffset? LastBrowseSend { get; set; }

    public DateTimeOffset? LastWinBackSend { get; set; }

    public Timer? CartTimer { get; set; }

    public Timer? BrowseTimer { get; set; }

    public Timer? WelcomeTimer { get; set; }

    public Timer? WinBackTimer { get; set; }

    public Timer? PostPurchaseTimer { get; set; }
}
