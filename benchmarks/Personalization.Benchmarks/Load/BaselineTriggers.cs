using Personalization.Events;
using Personalization.Profiles;
using Personalization.Triggers;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// The baselines' triggers, as a developer writes them first: the rules of the engine's five built-ins, each pending
/// trigger a <see cref="Timer"/> that a restart event moves (<see cref="Timer.Change(TimeSpan, TimeSpan)"/>), a cancel
/// event disposes, and that checks its exit condition and re-entry period when it fires. Nothing is durable.
/// </summary>
internal sealed class BaselineTriggers(TimeProvider time, CountingSendSink sink)
{
    /// <summary>How many triggers there are: the size of <see cref="BaselineUserState"/>'s per-trigger arrays.</summary>
    public const int Count = 5;

    private static readonly TimeSpan s_abandonmentDelay = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_winBack = TimeSpan.FromDays(30);
    private static readonly TimeSpan s_postPurchase = TimeSpan.FromDays(3);
    private static readonly TimerCallback s_fire = state => ((PendingTimer)state!).Fire();

    private static readonly string[] s_names =
        [Trigger.CartAbandonmentName, Trigger.BrowseAbandonmentName, Trigger.WelcomeName, Trigger.WinBackName, Trigger.PostPurchaseName];

    // The least time between two sends of a trigger to one user (welcome: once ever, through Welcomed).
    private static readonly TimeSpan[] s_reentry = [TimeSpan.FromHours(24), TimeSpan.FromHours(24), TimeSpan.Zero, s_winBack, TimeSpan.Zero];

    private enum Kind
    {
        Cart,
        Browse,
        Welcome,
        WinBack,
        PostPurchase,
    }

    /// <summary>Evaluates the triggers on <paramref name="event"/>, just applied to <paramref name="after"/>;
    /// <paramref name="hadEmail"/> tells whether the profile had an email before.</summary>
    public void Evaluate(BaselineUserState user, SegmentEvent @event, bool hadEmail, CustomerProfile after)
    {
        lock (user)
        {
            user.CartLines = after.Cart.Count;
            var at = @event.Timestamp;
            switch (@event.Type == SegmentEventType.Track ? @event.Event : null)
            {
                case EcommerceEvents.ProductAdded:
                    Schedule(user, Kind.Cart, at + s_abandonmentDelay);
                    Cancel(user, Kind.Browse);
                    break;
                case EcommerceEvents.ProductViewed:
                    Schedule(user, Kind.Browse, at + s_abandonmentDelay);
                    break;
                case EcommerceEvents.OrderCompleted:
                    Cancel(user, Kind.Cart);
                    Cancel(user, Kind.Browse);
                    Schedule(user, Kind.PostPurchase, at + s_postPurchase);
                    break;
            }

            if (@event.Type == SegmentEventType.Identify && !hadEmail && !user.Welcomed && !string.IsNullOrEmpty(after.Email))
            {
                user.Welcomed = true;
                Schedule(user, Kind.Welcome, at);
            }

            if (after.OrderCount > 0)
            {
                Schedule(user, Kind.WinBack, at + s_winBack);
            }
        }
    }

    private void Schedule(BaselineUserState user, Kind kind, DateTimeOffset due)
    {
        var delay = due - time.GetUtcNow();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        ref var timer = ref user.Timers[(int)kind];
        if (timer is null)
        {
            timer = new Timer(s_fire, new PendingTimer(this, user, kind), delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private static void Cancel(BaselineUserState user, Kind kind)
    {
        ref var timer = ref user.Timers[(int)kind];
        timer?.Dispose();
        timer = null;
    }

    private void Fire(BaselineUserState user, Kind kind)
    {
        var now = time.GetUtcNow();
        lock (user)
        {
            Cancel(user, kind);
            var last = user.LastSends[(int)kind];
            if ((kind == Kind.Cart && user.CartLines == 0) || (last is { } at && now - at < s_reentry[(int)kind]))
            {
                return;
            }

            user.LastSends[(int)kind] = now;
            sink.Count(s_names[(int)kind]);
        }
    }

    private sealed class PendingTimer(BaselineTriggers triggers, BaselineUserState user, Kind kind)
    {
        public void Fire() => triggers.Fire(user, kind);
    }
}
