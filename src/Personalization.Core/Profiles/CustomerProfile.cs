using MessagePack;

namespace Personalization.Profiles;

/// <summary>
/// What the engine knows about one customer, kept current by every event of that customer.
/// A profile read through <see cref="IProfileReader"/> is a snapshot: changing it changes nothing stored.
/// </summary>
[MessagePackObject]
public sealed class CustomerProfile
{
    /// <summary>The version of the stored shape of this profile. Every stored profile carries it, and an older record
    /// is migrated when it is read (see <see cref="ProfileMigrations"/>): version 2 added <see cref="CartUpdatedAt"/>
    /// and <see cref="MergedIds"/>.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>The stored shape's version.</summary>
    [Key(0)]
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>The profile's id: the user id, or the anonymous id of a visitor who has not identified.</summary>
    [Key(1)]
    public required string UserId { get; set; }

    /// <summary>The anonymous ids seen on this user's events, in the order first seen.</summary>
    [Key(2)]
    public List<string> AnonymousIds { get; set; } = [];

    /// <summary>The event time of the earliest event applied.</summary>
    [Key(3)]
    public DateTimeOffset FirstSeen { get; set; }

    /// <summary>The event time of the latest event applied.</summary>
    [Key(4)]
    public DateTimeOffset LastSeen { get; set; }

    /// <summary>How many <c>track</c> events of each name were applied.</summary>
    [Key(5)]
    public Dictionary<string, long> EventCounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The cart: <c>Product Added</c> adds, <c>Product Removed</c> removes, <c>Order Completed</c> empties it.</summary>
    [Key(6)]
    public List<CartItem> Cart { get; set; } = [];

    /// <summary>How many <c>Order Completed</c> events were applied.</summary>
    [Key(7)]
    public long OrderCount { get; set; }

    /// <summary>The sum of the orders' <c>revenue</c> (or of their products' prices when an order has no revenue).</summary>
    [Key(8)]
    public decimal TotalSpent { get; set; }

    /// <summary>The traits from <c>identify</c> calls, the latest value of each.</summary>
    [Key(9), MessagePackFormatter(typeof(Internal.JsonValuesDictionaryFormatter))]
    public Dictionary<string, object?> Traits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many events of any type were applied.</summary>
    [Key(10)]
    public long EventCount { get; set; }

    /// <summary>How many <c>page</c> and <c>screen</c> events were applied.</summary>
    [Key(11)]
    public long PageViews { get; set; }

    /// <summary>The event time of the latest <c>Order Completed</c>, if any.</summary>
    [Key(12)]
    public DateTimeOffset? LastOrderAt { get; set; }

    /// <summary>When the cart last changed (the event time of the latest <c>Product Added</c>, <c>Product Removed</c>
    /// or <c>Order Completed</c>); <see langword="null"/> for a profile that never had a cart. Since version 2.</summary>
    [Key(13)]
    public DateTimeOffset? CartUpdatedAt { get; set; }

    /// <summary>The ids of the profiles merged into this one (an anonymous visitor who identified, or the previous id
    /// of an <c>alias</c> call), oldest first, at most 32. Since version 2.</summary>
    [Key(14)]
    public List<string> MergedIds { get; set; } = [];

    /// <summary>The <c>email</c> trait, if the user has one.</summary>
    [IgnoreMember]
    public string? Email => Traits.TryGetValue("email", out var email) ? email as string : null;

    /// <summary>The number of items in the cart, counting quantities.</summary>
    [IgnoreMember]
    public int CartQuantity
    {
        get
        {
            var total = 0;
            foreach (var item in Cart)
            {
                total += item.Quantity;
            }

            return total;
        }
    }

    /// <summary>The cart's value at the last seen prices.</summary>
    [IgnoreMember]
    public decimal CartValue
    {
        get
        {
            var total = 0m;
            foreach (var item in Cart)
            {
                total += (item.Price ?? 0m) * item.Quantity;
            }

            return total;
        }
    }
}
