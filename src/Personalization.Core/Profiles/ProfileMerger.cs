namespace Personalization.Profiles;

/// <summary>
/// Merges one profile into another when an identity is resolved (an <c>identify</c> that links an anonymous id, or an
/// <c>alias</c>): counts add up, carts combine, first and last seen widen, and the target's traits win except for
/// consent, where the stricter of the two wins.
/// </summary>
internal static class ProfileMerger
{
    internal const int MaxMergedIds = 32;

    /// <summary>Merges <paramref name="source"/> into <paramref name="target"/>; <paramref name="source"/> is left as it was.</summary>
    public static void Merge(CustomerProfile target, CustomerProfile source)
    {
        if (source.FirstSeen < target.FirstSeen)
        {
            target.FirstSeen = source.FirstSeen;
        }

        if (source.LastSeen > target.LastSeen)
        {
            target.LastSeen = source.LastSeen;
        }

        target.EventCount += source.EventCount;
        target.PageViews += source.PageViews;
        target.OrderCount += source.OrderCount;
        target.TotalSpent += source.TotalSpent;
        target.LastOrderAt = Latest(target.LastOrderAt, source.LastOrderAt);
        foreach (var (name, count) in source.EventCounts)
        {
            target.EventCounts[name] = target.EventCounts.GetValueOrDefault(name) + count;
        }

        MergeCart(target, source);
        MergeIds(target, source);
        MergeTraits(target.Traits, source.Traits);
    }

    // The carts combine line by line; a product in both keeps the target's details and adds the quantities.
    private static void MergeCart(CustomerProfile target, CustomerProfile source)
    {
        foreach (var item in source.Cart)
        {
            var line = target.Cart.Find(existing => existing.ProductId == item.ProductId);
            if (line is null)
            {
                if (target.Cart.Count < ProfileUpdater.MaxCartLines)
                {
                    target.Cart.Add(new CartItem
                    {
                        ProductId = item.ProductId,
                        Quantity = item.Quantity,
                        Price = item.Price,
                        Name = item.Name,
                        Brand = item.Brand,
                        Category = item.Category,
                    });
                }

                continue;
            }

            line.Quantity = (int)Math.Min((long)line.Quantity + item.Quantity, int.MaxValue);
            line.Price ??= item.Price;
            line.Name ??= item.Name;
            line.Brand ??= item.Brand;
            line.Category ??= item.Category;
        }

        target.CartUpdatedAt = Latest(target.CartUpdatedAt, source.CartUpdatedAt);
    }

    private static void MergeIds(CustomerProfile target, CustomerProfile source)
    {
        AddBounded(target.MergedIds, source.UserId, MaxMergedIds);
        foreach (var id in source.MergedIds)
        {
            AddBounded(target.MergedIds, id, MaxMergedIds);
        }

        foreach (var id in source.AnonymousIds)
        {
            AddBounded(target.AnonymousIds, id, ProfileUpdater.MaxAnonymousIds);
        }
    }

    // The target's traits win; the source fills in what the target lacks. Consent never widens: unsubscribed from
    // either is unsubscribed, and a category either withdrew stays withdrawn.
    private static void MergeTraits(Dictionary<string, object?> target, Dictionary<string, object?> source)
    {
        foreach (var (name, value) in source)
        {
            if (!target.TryGetValue(name, out var existing))
            {
                target[name] = value;
            }
            else if (name == TraitFlags.Unsubscribed && TraitFlags.IsTrue(value) && !TraitFlags.IsTrue(existing))
            {
                target[name] = value;
                if (source.TryGetValue("unsubscribed_at", out var at))
                {
                    target["unsubscribed_at"] = at;
                }
            }
            else if (name.StartsWith(TraitFlags.ConsentPrefix, StringComparison.Ordinal) && TraitFlags.IsFalse(value) && !TraitFlags.IsFalse(existing))
            {
                target[name] = value;
            }
        }
    }

    private static void AddBounded(List<string> ids, string id, int max)
    {
        if (ids.Count < max && !ids.Contains(id))
        {
            ids.Add(id);
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
