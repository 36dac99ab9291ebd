using MessagePack;

namespace Personalization.Profiles;

/// <summary>One line of a customer's cart.</summary>
[MessagePackObject]
public sealed class CartItem
{
    /// <summary>The product's id (<c>product_id</c>).</summary>
    [Key(0)]
    public required string ProductId { get; set; }

    /// <summary>How many of the product are in the cart.</summary>
    [Key(1)]
    public int Quantity { get; set; }

    /// <summary>The unit price as last seen on a <c>Product Added</c> event, if any.</summary>
    [Key(2)]
    public decimal? Price { get; set; }

    /// <summary>The product's name, if the events carried one.</summary>
    [Key(3)]
    public string? Name { get; set; }

    /// <summary>The product's brand, if the events carried one.</summary>
    [Key(4)]
    public string? Brand { get; set; }

    /// <summary>The product's category, if the events carried one.</summary>
    [Key(5)]
    public string? Category { get; set; }
}
