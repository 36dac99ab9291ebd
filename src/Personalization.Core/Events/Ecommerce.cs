namespace Personalization.Events;

/// <summary>
/// Typed factories for the Segment e-commerce events that have built-in meaning (see <see cref="EcommerceEvents"/>).
/// Each gives a <c>track</c> <see cref="SegmentEvent"/> with the spec's property names. Pass a <c>userId</c>, or
/// <see langword="null"/> and an <c>anonymousId</c> for a visitor who has not identified.
/// </summary>
public static class Ecommerce
{
    /// <summary>A <c>Product Viewed</c> event.</summary>
    public static SegmentEvent ProductViewed(string messageId, string? userId, DateTimeOffset timestamp, Product product, string? anonymousId = null) =>
        Create(messageId, userId, anonymousId, EcommerceEvents.ProductViewed, timestamp, Properties(product));

    /// <summary>A <c>Product Added</c> event: adds <see cref="Product.Quantity"/> of the product to the cart.</summary>
    public static SegmentEvent ProductAdded(string messageId, string? userId, DateTimeOffset timestamp, Product product, string? cartId = null, string? anonymousId = null)
    {
        var properties = Properties(product);
        if (cartId is not null)
        {
            properties["cart_id"] = cartId;
        }

        return Create(messageId, userId, anonymousId, EcommerceEvents.ProductAdded, timestamp, properties);
    }

    /// <summary>A <c>Product Removed</c> event: removes <see cref="Product.Quantity"/> of the product from the cart.</summary>
    public static SegmentEvent ProductRemoved(string messageId, string? userId, DateTimeOffset timestamp, Product product, string? anonymousId = null) =>
        Create(messageId, userId, anonymousId, EcommerceEvents.ProductRemoved, timestamp, Properties(product));

    /// <summary>A <c>Cart Viewed</c> event.</summary>
    public static SegmentEvent CartViewed(string messageId, string? userId, DateTimeOffset timestamp, IReadOnlyList<Product> products, string? anonymousId = null) =>
        Create(messageId, userId, anonymousId, EcommerceEvents.CartViewed, timestamp, new(StringComparer.Ordinal) { ["products"] = ProductList(products) });

    /// <summary>A <c>Checkout Started</c> event.</summary>
    public static SegmentEvent CheckoutStarted(string messageId, string? userId, DateTimeOffset timestamp, IReadOnlyList<Product> products, decimal? value = null, string? anonymousId = null)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal) { ["products"] = ProductList(products) };
        if (value is { } v)
        {
            properties["value"] = (double)v;
        }

        return Create(messageId, userId, anonymousId, EcommerceEvents.CheckoutStarted, timestamp, properties);
    }

    /// <summary>An <c>Order Completed</c> event: empties the cart, counts the order and adds its revenue to the
    /// total spent (without <paramref name="revenue"/>, the products' prices times quantities).</summary>
    public static SegmentEvent OrderCompleted(string messageId, string? userId, DateTimeOffset timestamp, string orderId, IReadOnlyList<Product> products,
        decimal? revenue = null, string currency = "USD", string? anonymousId = null)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["order_id"] = orderId,
            ["products"] = ProductList(products),
            ["currency"] = currency,
        };
        if (revenue is { } r)
        {
            properties["revenue"] = (double)r;
        }

        return Create(messageId, userId, anonymousId, EcommerceEvents.OrderCompleted, timestamp, properties);
    }

    private static Dictionary<string, object?> Properties(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product.ToProperties();
    }

    private static List<object?> ProductList(IReadOnlyList<Product> products)
    {
        ArgumentNullException.ThrowIfNull(products);
        var list = new List<object?>(products.Count);
        foreach (var product in products)
        {
            list.Add(product.ToProperties());
        }

        return list;
    }

    private static SegmentEvent Create(string messageId, string? userId, string? anonymousId, string name, DateTimeOffset timestamp,
        Dictionary<string, object?> properties)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        if (string.IsNullOrEmpty(userId) && string.IsNullOrEmpty(anonymousId))
        {
            throw new ArgumentException("An event needs a userId or an anonymousId.", nameof(userId));
        }

        return new SegmentEvent
        {
            MessageId = messageId,
            Type = SegmentEventType.Track,
            UserId = userId,
            AnonymousId = anonymousId,
            Event = name,
            Timestamp = timestamp,
            Properties = properties,
        };
    }
}
