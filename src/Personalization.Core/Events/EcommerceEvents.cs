namespace Personalization.Events;

/// <summary>
/// The Segment e-commerce event names that have built-in meaning for profiles and triggers
/// (see the Segment "E-commerce Events" spec).
/// </summary>
public static class EcommerceEvents
{
    /// <summary>A user viewed a product: counted, and the entry event of browse abandonment.</summary>
    public const string ProductViewed = "Product Viewed";

    /// <summary>A user added a product to the cart: adds <c>quantity</c> (default 1) of <c>product_id</c> to the cart.</summary>
    public const string ProductAdded = "Product Added";

    /// <summary>A user removed a product from the cart: removes <c>quantity</c> (default all) of <c>product_id</c>.</summary>
    public const string ProductRemoved = "Product Removed";

    /// <summary>A user viewed the cart.</summary>
    public const string CartViewed = "Cart Viewed";

    /// <summary>A user started a checkout.</summary>
    public const string CheckoutStarted = "Checkout Started";

    /// <summary>A user completed an order: empties the cart, counts the order and adds its revenue to the total spent.</summary>
    public const string OrderCompleted = "Order Completed";

    /// <summary>A user unsubscribed (from an email's link, or any other channel): sets the <c>unsubscribed</c> trait,
    /// which suppresses every later send.</summary>
    public const string Unsubscribed = "Unsubscribed";
}
