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
    private static readonly TimeSpan s_abandonmentDelay = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_reentry = TimeSpan.FromHours(24);
    private static readonly TimeSpan s_winBack = TimeSpan.FromDays(30);
    private static readonly TimeSpan s_postPurchase = TimeSpan.FromDays(3);
    private static readonly TimerCallback s_fire = state => ((PendingTimer)state!).Fire();

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
            var due = @event.Timestamp;
            switch (@event.Type == SegmentEventType.Track ? @event.Event : null)
            {
                case EcommerceEvents.ProductAdded:
                    user.CartTimer = Schedule(user.CartTimer, user, Kind.Cart, due + s_abandonmentDelay);
                    user.BrowseTimer = Cancel(user.BrowseTimer);
                    break;
                case EcommerceEvents.ProductViewed:
                    user.BrowseTimer = Schedule(user.BrowseTimer, user, Kind.Browse, due + s_abandonmentDelay);
                    break;
                case EcommerceEvents.OrderCompleted:
                    user.CartTimer = Cancel(user.CartTimer);
                    user.BrowseTimer = Cancel(user.BrowseTimer);
                    user.PostPurchaseTimer = Schedule(user.PostPurchaseTimer, user, Kind.PostPurchase, due + s_postPurchase);
                    break;
            }

            if (@event.Type == SegmentEventType.Identify && !hadEmail && !user.Welcomed && !string.IsNullOrEmpty(after.Email))
            {
                user.Welcomed = true;
                user.WelcomeTimer = Schedule(user.WelcomeTimer, user, Kind.Welcome, due);
            }

            if (after.OrderCount > 0)
            {
                user.WinBackTimer = Schedule(user.WinBackTimer, user, Kind.WinBack, due + s_winBack);
            }
        }
    }

    private Timer Schedule(Timer? timer, BaselineUserState user, Kind kind, DateTimeOffset due)
    {
        var delay = due - time.GetUtcNow();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        if (timer is null)
        {
            return new Timer(s_fire, new PendingTimer(this, user, kind), delay, Timeout.InfiniteTimeSpan);
        }

        timer.Change(delay, Timeout.InfiniteTimeSpan);
        return timer;
    }

    private static Timer? Cancel(Timer? timer)
    {
        timer?.Dispose();
        return null;
    }

    private void Fire(BaselineUserState user, Kind kind)
    {
        var now = time.GetUtcNow();
        lock (user)
        {
            switch (kind)
            {
                case Kind.Cart:
                    user.CartTimer = Cancel(user.CartTimer);
                    if (user.CartLines > 0 && Send(user.LastCartSend, now, s_reentry))
                    {
                        user.LastCartSend = now;
                        sink.Count(Trigger.CartAbandonmentName);
                    }

                    break;
                case Kind.Browse:
                    user.BrowseTimer = Cancel(user.BrowseTimer);
                    if (Send(user.LastBrowseSend, now, s_reentry))
                    {
                        user.LastBrowseSend = now;
                        sink.Count(Trigger.BrowseAbandonmentName);
                    }

                    break;
                case Kind.Welcome:
                    user.WelcomeTimer = Cancel(user.WelcomeTimer);
                    sink.Count(Trigger.WelcomeName);
                    break;
                case Kind.WinBack:
                    user.WinBackTimer = Cancel(user.WinBackTimer);
                    if (Send(user.LastWinBackSend, now, s_winBack))
                    {
                        user.LastWinBackSend = now;
                        sink.Count(Trigger.WinBackName);
                    }

                    break;
                default:
                    user.PostPurchaseTimer = Cancel(user.PostPurchaseTimer);
                    sink.Count(Trigger.PostPurchaseName);
                    break;
            }
        }
    }

    private static bool Send(DateTimeOffset? last, DateTimeOffset now, TimeSpan period) => last is not { } at || now - at >= period;

    private sealed class PendingTimer(BaselineTriggers triggers, BaselineUserState user, Kind kind)
    {
        public void Fire() => triggers.Fire(user, kind);
    }
}
