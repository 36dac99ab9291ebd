using Fluid;
using Fluid.Values;
using Personalization.Profiles;

namespace Personalization.Delivery.Templates;

/// <summary><c>profile</c>: the recipient's profile, with names and contact details read from its traits.</summary>
internal sealed class ProfileValue(CustomerProfile profile) : ModelObjectValue
{
    private FluidValue? _cart;

    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        "user_id" => new StringValue(profile.UserId),
        "email" => Trait("email", null, context),
        "first_name" => Trait("first_name", "firstName", context),
        "last_name" => Trait("last_name", "lastName", context),
        "locale" => Trait("locale", null, context),
        "timezone" => Trait("timezone", null, context),
        "traits" => new OpenMapValue(profile.Traits),
        "cart" => _cart ??= Cart(),
        "cart_quantity" => Number(profile.CartQuantity),
        "cart_value" => Number(profile.CartValue),
        "order_count" => Number(profile.OrderCount),
        "total_spent" => Number(profile.TotalSpent),
        "event_count" => Number(profile.EventCount),
        "page_views" => Number(profile.PageViews),
        "first_seen" => Date(profile.FirstSeen, context),
        "last_seen" => Date(profile.LastSeen, context),
        "last_order_at" => Date(profile.LastOrderAt, context),
        "event_counts" => new EventCountsValue(profile.EventCounts),
        "anonymous_ids" => Strings(profile.AnonymousIds),
        _ => NilValue.Instance,
    };

    private FluidValue Trait(string name, string? alias, TemplateContext context)
    {
        // Segment's reserved traits are camelCase (firstName); snake_case ones win when both are set.
        if (profile.Traits.TryGetValue(name, out var value) || (alias is not null && profile.Traits.TryGetValue(alias, out value)))
        {
            return value is string text ? new StringValue(text) : FluidValue.Create(value, context.Options);
        }

        return NilValue.Instance;
    }

    private ArrayValue Cart()
    {
        var cart = profile.Cart;
        var items = new FluidValue[cart.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new CartItemValue(cart[i]);
        }

        return new ArrayValue(items);
    }
}
