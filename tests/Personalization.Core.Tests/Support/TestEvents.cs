using Personalization.Events;

namespace Personalization.Tests.Support;

/// <summary>Small factory of the events the tests send, with readable defaults.</summary>
public static class TestEvents
{
    /// <summary>The event time every test starts from.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static long s_next;

    /// <summary>A fresh, unique messageId.</summary>
    public static string NewId() => "m-" + Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    public static SegmentEvent Track(string userId, string name, DateTimeOffset? at = null, string? messageId = null,
        IReadOnlyDictionary<string, object?>? properties = null) =>
        SegmentEvent.Track(messageId ?? NewId(), userId, name, at ?? T0, properties);

    public static SegmentEvent ProductAdded(string userId, string productId, long? quantity = null, double? price = null,
        DateTimeOffset? at = null, string? messageId = null)
    {
        var properties = new Dictionary<string, object?> { ["product_id"] = productId };
        if (quantity is { } q)
        {
            properties["quantity"] = q;
        }

        if (price is { } p)
        {
            properties["price"] = p;
        }

        return Track(userId, EcommerceEvents.ProductAdded, at, messageId, properties);
    }

    public static SegmentEvent ProductRemoved(string userId, string productId, long? quantity = null, DateTimeOffset? at = null,
        string? messageId = null)
    {
        var properties = new Dictionary<string, object?> { ["product_id"] = productId };
        if (quantity is { } q)
        {
            properties["quantity"] = q;
        }

        return Track(userId, EcommerceEvents.ProductRemoved, at, messageId, properties);
    }

    public static SegmentEvent OrderCompleted(string userId, IReadOnlyDictionary<string, object?> properties, DateTimeOffset? at = null,
        string? messageId = null) =>
        Track(userId, EcommerceEvents.OrderCompleted, at, messageId, properties);

    public static SegmentEvent Identify(string userId, IReadOnlyDictionary<string, object?> traits, DateTimeOffset? at = null,
        string? anonymousId = null, string? messageId = null) =>
        SegmentEvent.Identify(messageId ?? NewId(), userId, at ?? T0, traits, anonymousId);

    public static SegmentEvent Page(string userId, string? name = "Home", DateTimeOffset? at = null, string? messageId = null) =>
        SegmentEvent.Page(messageId ?? NewId(), userId, name, at ?? T0);

    public static ReadOnlyMemory<byte> Utf8(string json) => System.Text.Encoding.UTF8.GetBytes(json);
}
