using Personalization.Events;

namespace Personalization.Triggers;

/// <summary>Starts a trigger definition, or takes a built-in one.</summary>
public static class Trigger
{
    /// <summary>The built-in cart abandonment trigger's name.</summary>
    public const string CartAbandonmentName = "cart_abandonment";

    /// <summary>The built-in browse abandonment trigger's name.</summary>
    public const string BrowseAbandonmentName = "browse_abandonment";

    /// <summary>The built-in post-purchase trigger's name.</summary>
    public const string PostPurchaseName = "post_purchase";

    /// <summary>The built-in welcome trigger's name.</summary>
    public const string WelcomeName = "welcome";

    /// <summary>The built-in win-back trigger's name.</summary>
    public const string WinBackName = "win_back";

    /// <summary>Matches every event of any type, as an entry, restart or cancel event.</summary>
    public const string AnyEvent = "*";

    /// <summary>Matches <c>identify</c> calls (other call types: <c>$page</c>, <c>$screen</c>, <c>$group</c>, <c>$alias</c>).</summary>
    public const string IdentifyCall = "$identify";

    /// <summary>Matches <c>page</c> calls.</summary>
    public const string PageCall = "$page";

    /// <summary>A trigger named <paramref name="name"/> that an event named <paramref name="entryEvent"/> enters: a
    /// <c>track</c> event's name, <see cref="AnyEvent"/>, or a call type such as <see cref="IdentifyCall"/>.</summary>
    public static TriggerBuilder When(string name, string entryEvent) => new(name, entryEvent);

    /// <summary>
    /// Cart abandonment: <c>Product Added</c> starts an instance due at its timestamp plus <paramref name="after"/>
    /// (default 1 hour); a later <c>Product Added</c> while it is pending moves the due time; <c>Order Completed</c>
    /// cancels it; an instance whose cart is empty when due is cancelled; an instance that comes due less than 24 hours
    /// after the user's previous cart abandonment send is suppressed (reason <see cref="TriggerReasons.Reentry"/>).
    /// The template is <c>cart_abandonment</c>.
    /// </summary>
    public static TriggerBuilder CartAbandonment(TimeSpan? after = null) =>
        When(CartAbandonmentName, EcommerceEvents.ProductAdded)
            .After(after ?? TimeSpan.FromHours(1))
            .RestartOn(EcommerceEvents.ProductAdded)
            .CancelOn(EcommerceEvents.OrderCompleted)
            .ExitWhen(profile => profile.Cart.Count == 0)
            .Reentry(ReentryPolicy.OncePer(TimeSpan.FromHours(24)))
            .SendTemplate(CartAbandonmentName);

    /// <summary>
    /// Browse abandonment: <c>Product Viewed</c> starts an instance due after <paramref name="after"/> (default
    /// 1 hour); further views move the due time; <c>Product Added</c> or <c>Order Completed</c> cancel it; at most one
    /// send per user per 24 hours. The template is <c>browse_abandonment</c>.
    /// </summary>
    public static TriggerBuilder BrowseAbandonment(TimeSpan? after = null) =>
        When(BrowseAbandonmentName, EcommerceEvents.ProductViewed)
            .After(after ?? TimeSpan.FromHours(1))
            .RestartOn(EcommerceEvents.ProductViewed)
            .CancelOn(EcommerceEvents.ProductAdded, EcommerceEvents.OrderCompleted)
            .Reentry(ReentryPolicy.OncePer(TimeSpan.FromHours(24)))
            .SendTemplate(BrowseAbandonmentName);

    /// <summary>
    /// Welcome: the first <c>identify</c> that gives the user an <c>email</c> trait starts an instance due after
    /// <paramref name="after"/> (default zero: at the next clock tick, or the next event of the shard in event time);
    /// once per user, ever. The template is <c>welcome</c>.
    /// </summary>
    public static TriggerBuilder Welcome(TimeSpan? after = null) =>
        When(WelcomeName, IdentifyCall)
            .IfBecomes(profile => !string.IsNullOrEmpty(profile.Email))
            .After(after ?? TimeSpan.Zero)
            .Reentry(ReentryPolicy.OnceEver)
            .SendTemplate(WelcomeName);

    /// <summary>
    /// Win-back: a customer with at least one order who sends no event for <paramref name="after"/> (default 30 days).
    /// Every event of such a user starts or restarts the instance; when it comes due, the user was inactive for the
    /// whole period. At most one send per user per <paramref name="after"/>. The template is <c>win_back</c>.
    /// </summary>
    public static TriggerBuilder WinBack(TimeSpan? after = null)
    {
        var period = after ?? TimeSpan.FromDays(30);
        return Inactivity(WinBackName, period)
            .If((_, profile) => profile.OrderCount > 0)
            .Reentry(ReentryPolicy.OncePer(period))
            .SendTemplate(WinBackName);
    }

    /// <summary>
    /// An inactivity trigger: fires when a user sends none of <paramref name="eventNames"/> (default: any event) for
    /// <paramref name="period"/>. Each such event starts or restarts the instance.
    /// </summary>
    public static TriggerBuilder Inactivity(string name, TimeSpan period, params string[] eventNames)
    {
        string[] names = eventNames is { Length: > 0 } ? [.. eventNames] : [AnyEvent];
        var builder = When(name, AnyEvent).After(period).RestartOn(names);
        return Array.IndexOf(names, AnyEvent) >= 0
            ? builder
            : builder.If((@event, _) => Array.IndexOf(names, TriggerEventNames.Of(@event)) >= 0);
    }

    /// <summary>
    /// A segment-entry (threshold) trigger: fires when <paramref name="predicate"/> on the profile becomes true, for
    /// example <c>p =&gt; p.TotalSpent &gt;= 500</c>; due after <paramref name="after"/> (default zero).
    /// </summary>
    public static TriggerBuilder WhenProfileBecomes(string name, Func<Profiles.CustomerProfile, bool> predicate, TimeSpan? after = null) =>
        When(name, AnyEvent).IfBecomes(predicate).After(after ?? TimeSpan.Zero);

    /// <summary>
    /// Post-purchase: each <c>Order Completed</c> starts an instance due after <paramref name="after"/> (default
    /// 3 days); a later order moves it. The template is <c>post_purchase</c>.
    /// </summary>
    public static TriggerBuilder PostPurchase(TimeSpan? after = null) =>
        When(PostPurchaseName, EcommerceEvents.OrderCompleted)
            .After(after ?? TimeSpan.FromDays(3))
            .RestartOn(EcommerceEvents.OrderCompleted)
            .Reentry(ReentryPolicy.Always)
            .SendTemplate(PostPurchaseName);
}
