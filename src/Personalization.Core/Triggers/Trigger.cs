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

    /// <summary>A trigger named <paramref name="name"/> that a <c>track</c> event named <paramref name="entryEvent"/> enters.</summary>
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
