using Fluid;
using Fluid.Values;
using Personalization.Profiles;

namespace Personalization.Delivery.Templates;

/// <summary>One line of <c>profile.cart</c>.</summary>
internal sealed class CartItemValue(CartItem item) : ModelObjectValue
{
    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        "product_id" => new StringValue(item.ProductId),
        "name" => Text(item.Name),
        "price" => item.Price is { } price ? Number(price) : NilValue.Instance,
        "quantity" => Number(item.Quantity),
        "brand" => Text(item.Brand),
        "category" => Text(item.Category),
        "line_total" => Number((item.Price ?? 0m) * item.Quantity),
        _ => NilValue.Instance,
    };
}
