using Personalization.Events;
using Personalization.Profiles;

namespace Personalization.Benchmarks.Triggers;

/// <summary>
/// The five built-in triggers' entry, restart and cancel rules written by hand, in memory: a dictionary of due times
/// per trigger and a priority queue of due times to find the due ones (entries moved or cancelled stay in the queue
/// and would be skipped when due). Nothing is durable, there is no decision trace, no entry count and no re-entry
/// policy: what a developer would write without the engine.
/// </summary>
internal sealed class HandWrittenTriggers
{
    private const int Cart = 0;
    private const int Browse = 1;
    private const int Welcome = 2;
    private const int WinBack = 3;
    private const int PostPurchase = 4;

    private static readonly long s_hour = TimeSpan.FromHours(1).Ticks;
    private static readonly long s_threeDays = TimeSpan.FromDays(3).Ticks;
    private static readonly long s_thirtyDays = TimeSpan.FromDays(30).Ticks;

    private readonly Dictionary<string, long>[] _due =
        [.. Enumerable.Range(0, 5).Select(_ => new Dictionary<string, long>(StringComparer.Ordinal))];
    private readonly HashSet<string> _welcomed = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(int Trigger, string UserId), long> _timers = new();

    /// <summary>How many instances are pending, over all triggers.</summary>
    public int Pending => _due.Sum(d => d.Count);

    /// <summary>Starts, restarts or cancels the user's instances for an event already applied to <paramref name="profile"/>.</summary>
    public void OnEvent(SegmentEvent @event, CustomerProfile profile)
    {
        var userId = @event.ProfileId!;
        var at = @event.Timestamp.UtcTicks;
        switch (@event.Type == SegmentEventType.Track ? @event.Event : null)
        {
            case EcommerceEvents.ProductViewed:
                Start(Browse, userId, at + s_hour);
                break;
            case EcommerceEvents.ProductAdded:
                Start(Cart, userId, at + s_hour);
                _due[Browse].Remove(userId);
                break;
            case EcommerceEvents.OrderCompleted:
                _due[Cart].Remove(userId);
                _due[Browse].Remove(userId);
                Start(PostPurchase, userId, at + s_threeDays);
                break;
            default:
                break;
        }

        if (@event.Type == SegmentEventType.Identify && profile.Email is not null && _welcomed.Add(userId))
        {
            Start(Welcome, userId, at);
        }

        // Win-back: every event of a customer with an order starts or moves the inactivity timer.
        if (profile.OrderCount > 0 || _due[WinBack].ContainsKey(userId))
        {
            Start(WinBack, userId, at + s_thirtyDays);
        }
    }

    private void Start(int trigger, string userId, long dueTicks)
    {
        _due[trigger][userId] = dueTicks;
        _timers.Enqueue((trigger, userId), dueTicks);
    }
}
