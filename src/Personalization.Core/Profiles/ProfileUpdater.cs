using System.Globalization;
using Personalization.Events;

namespace Personalization.Profiles;

/// <summary>Applies one event to a profile: the profile rules of the engine, in one place.</summary>
internal static class ProfileUpdater
{
    // Bounds that keep one noisy user from growing a profile without limit.
    internal const int MaxAnonymousIds = 32;
    internal const int MaxCartLines = 200;

    public static CustomerProfile Create(string profileId, DateTimeOffset timestamp) => new()
    {
        UserId = profileId,
        FirstSeen = timestamp,
        LastSeen = timestamp,
    };

    public static void Apply(CustomerProfile profile, SegmentEvent @event)
    {
        profile.EventCount++;
        if (@event.Timestamp < profile.FirstSeen)
        {
            profile.FirstSeen = @event.Timestamp;
        }

        if (@event.Timestamp > profile.LastSeen)
        {
            profile.LastSeen = @event.Timestamp;
        }

        if (!string.IsNullOrEmpty(@event.AnonymousId)
            && profile.AnonymousIds.Count < MaxAnonymousIds
            && !profile.AnonymousIds.Contains(@event.AnonymousId))
        {
            profile.AnonymousIds.Add(@event.AnonymousId);
        }

        switch (@event.Type)
        {
            case SegmentEventType.Track:
                ApplyTrack(profile, @event);
                break;
            case SegmentEventType.Identify:
                foreach (var (name, value) in @event.Traits)
                {
                    profile.Traits[name] = value;
                }

                break;
            case SegmentEventType.Page:
            case SegmentEventType.Screen:
                profile.PageViews++;
                break;
        }
    }

    private static void ApplyTrack(CustomerProfile profile, SegmentEvent @event)
    {
        var name = @event.Event!;
        profile.EventCounts[name] = profile.EventCounts.TryGetValue(name, out var count) ? count + 1 : 1;
        switch (name)
        {
            case EcommerceEvents.ProductAdded:
                AddToCart(profile, @event.Properties);
                CartChanged(profile, @event.Timestamp);
                break;
            case EcommerceEvents.ProductRemoved:
                RemoveFromCart(profile, @event.Properties);
                CartChanged(profile, @event.Timestamp);
                break;
            case EcommerceEvents.OrderCompleted:
                profile.OrderCount++;
                profile.TotalSpent += OrderRevenue(@event.Properties);
                profile.LastOrderAt = profile.LastOrderAt is { } last && last > @event.Timestamp ? last : @event.Timestamp;
                profile.Cart.Clear();
                CartChanged(profile, @event.Timestamp);
                break;
            case EcommerceEvents.Unsubscribed:
                profile.Traits[TraitFlags.Unsubscribed] = true;
                profile.Traits["unsubscribed_at"] = @event.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                break;
        }
    }

    // The latest change wins: a late event does not move the time back.
    private static void CartChanged(CustomerProfile profile, DateTimeOffset at)
    {
        if (profile.CartUpdatedAt is not { } last || at > last)
        {
            profile.CartUpdatedAt = at;
        }
    }

    private static void AddToCart(CustomerProfile profile, IReadOnlyDictionary<string, object?> properties)
    {
        var productId = ProductId(properties);
        if (productId is null)
        {
            return;
        }

        // Clamped: a cast of an absurd quantity would throw and lose the whole event.
        var quantity = (int)Math.Clamp(GetDecimal(properties, "quantity") ?? 1, 1, int.MaxValue);
        var line = profile.Cart.Find(item => item.ProductId == productId);
        if (line is null)
        {
            if (profile.Cart.Count >= MaxCartLines)
            {
                return;
            }

            line = new CartItem { ProductId = productId };
            profile.Cart.Add(line);
        }

        line.Quantity = (int)Math.Min((long)line.Quantity + quantity, int.MaxValue);
        line.Price = GetDecimal(properties, "price") ?? line.Price;
        line.Name = GetString(properties, "name") ?? line.Name;
        line.Brand = GetString(properties, "brand") ?? line.Brand;
        line.Category = GetString(properties, "category") ?? line.Category;
    }

    private static void RemoveFromCart(CustomerProfile profile, IReadOnlyDictionary<string, object?> properties)
    {
        var productId = ProductId(properties);
        var index = productId is null ? -1 : profile.Cart.FindIndex(item => item.ProductId == productId);
        if (index < 0)
        {
            return;
        }

        var line = profile.Cart[index];
        var quantity = GetDecimal(properties, "quantity");
        line.Quantity -= quantity is { } q && q > 0 ? (int)Math.Min(q, line.Quantity) : line.Quantity;
        if (line.Quantity <= 0)
        {
            profile.Cart.RemoveAt(index);
        }
    }

    // Segment's Order Completed carries revenue (or total); without either, the products' prices are summed.
    internal static decimal OrderRevenue(IReadOnlyDictionary<string, object?> properties)
    {
        if (GetDecimal(properties, "revenue") is { } revenue)
        {
            return revenue;
        }

        if (GetDecimal(properties, "total") is { } total)
        {
            return total;
        }

        var sum = 0m;
        if (properties.TryGetValue("products", out var products) && products is IEnumerable<object?> items)
        {
            foreach (var item in items)
            {
                if (item is IReadOnlyDictionary<string, object?> product)
                {
                    sum += (GetDecimal(product, "price") ?? 0m) * (GetDecimal(product, "quantity") ?? 1m);
                }
            }

            return sum;
        }

        return (GetDecimal(properties, "price") ?? 0m) * (GetDecimal(properties, "quantity") ?? 1m);
    }

    private static string? ProductId(IReadOnlyDictionary<string, object?> properties) =>
        GetString(properties, "product_id") ?? GetString(properties, "sku") ?? GetString(properties, "id");

    internal static string? GetString(IReadOnlyDictionary<string, object?> values, string name) =>
        values.TryGetValue(name, out var value) ? value switch
        {
            null => null,
            string s => s.Length == 0 ? null : s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => null,
        } : null;

    internal static decimal? GetDecimal(IReadOnlyDictionary<string, object?> values, string name)
    {
        if (!values.TryGetValue(name, out var value))
        {
            return null;
        }

        return value switch
        {
            long l => l,
            int i => i,
            double d when double.IsFinite(d) && Math.Abs(d) < 7.9e27 => (decimal)d,
            decimal m => m,
            string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }
}
