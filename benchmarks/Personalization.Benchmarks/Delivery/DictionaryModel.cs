using Personalization.Delivery;

namespace Personalization.Benchmarks.Delivery;

/// <summary>The template model as nested dictionaries, built in full for every email: the alternative to the lazy
/// values of <c>EmailModelValue</c> that <see cref="RenderingBenchmarks"/> measures.</summary>
internal static class DictionaryModel
{
    public static Dictionary<string, object?> Build(EmailModel model)
    {
        var profile = model.Profile;
        var cart = new List<object?>(profile.Cart.Count);
        foreach (var item in profile.Cart)
        {
            cart.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["product_id"] = item.ProductId,
                ["name"] = item.Name,
                ["price"] = item.Price,
                ["quantity"] = item.Quantity,
                ["brand"] = item.Brand,
                ["category"] = item.Category,
                ["line_total"] = (item.Price ?? 0m) * item.Quantity,
            });
        }

        var profileValues = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["user_id"] = profile.UserId,
            ["email"] = profile.Traits.GetValueOrDefault("email"),
            ["first_name"] = profile.Traits.GetValueOrDefault("first_name"),
            ["last_name"] = profile.Traits.GetValueOrDefault("last_name"),
            ["locale"] = profile.Traits.GetValueOrDefault("locale"),
            ["timezone"] = profile.Traits.GetValueOrDefault("timezone"),
            ["traits"] = profile.Traits,
            ["cart"] = cart,
            ["cart_quantity"] = profile.CartQuantity,
            ["cart_value"] = profile.CartValue,
            ["order_count"] = profile.OrderCount,
            ["total_spent"] = profile.TotalSpent,
            ["event_count"] = profile.EventCount,
            ["page_views"] = profile.PageViews,
            ["first_seen"] = profile.FirstSeen,
            ["last_seen"] = profile.LastSeen,
            ["last_order_at"] = profile.LastOrderAt,
            ["event_counts"] = profile.EventCounts,
            ["anonymous_ids"] = profile.AnonymousIds,
        };

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["profile"] = profileValues,
            ["trigger"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = model.Intent.Trigger,
                ["send_key"] = model.Intent.SendKey,
                ["started"] = model.Intent.EnteredAt,
                ["due"] = model.Intent.Due,
                ["reasons"] = model.Intent.Reasons,
            },
            ["email"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["to"] = model.To,
                ["unsubscribe_url"] = model.UnsubscribeUrl,
            },
            ["unsubscribe_url"] = model.UnsubscribeUrl,
            ["now"] = model.Now,
        };
    }
}
