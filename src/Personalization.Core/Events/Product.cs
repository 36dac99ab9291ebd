namespace Personalization.Events;

/// <summary>A product as the Segment e-commerce spec describes it, for the typed event factories of <see cref="Ecommerce"/>.</summary>
/// <param name="ProductId">The product's id (<c>product_id</c>).</param>
/// <param name="Price">The unit price (<c>price</c>).</param>
/// <param name="Quantity">How many (<c>quantity</c>).</param>
/// <param name="Name">The product's name (<c>name</c>).</param>
/// <param name="Brand">The product's brand (<c>brand</c>).</param>
/// <param name="Category">The product's category (<c>category</c>).</param>
public sealed record Product(string ProductId, decimal? Price = null, int Quantity = 1, string? Name = null, string? Brand = null, string? Category = null)
{
    /// <summary>The product as Segment properties.</summary>
    public Dictionary<string, object?> ToProperties()
    {
        var properties = new Dictionary<string, object?>(6, StringComparer.Ordinal)
        {
            ["product_id"] = ProductId,
            ["quantity"] = (long)Quantity,
        };
        if (Price is { } price)
        {
            properties["price"] = (double)price;
        }

        AddIfPresent(properties, "name", Name);
        AddIfPresent(properties, "brand", Brand);
        AddIfPresent(properties, "category", Category);
        return properties;
    }

    private static void AddIfPresent(Dictionary<string, object?> properties, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            properties[key] = value;
        }
    }
}
