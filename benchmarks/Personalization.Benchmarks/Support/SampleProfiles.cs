using System.Globalization;
using Personalization.Events;
using Personalization.Profiles;

namespace Personalization.Benchmarks.Support;

/// <summary>Profiles and events of a typical shopper, built with the engine's own profile rules.</summary>
internal static class SampleProfiles
{
    public static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static readonly Product s_monopoly = new("507f1f77bcf86cd799439011", 18.99m, 1, "Monopoly: 3rd Edition", "Hasbro", "Games");
    private static readonly Product s_uno = new("505bd76785ebb509fc183733", 7.49m, 2, "Uno Card Game", "Mattel", "Games");
    private static readonly Product s_chess = new("5098ca8b2fa2cc5e4f0ec9c2", 34.00m, 1, "Wooden Chess Set", "Acme", "Games");

    /// <summary>The ids of <paramref name="count"/> users, as an application would name them.</summary>
    public static string[] UserIds(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = "user-" + i.ToString("D7", CultureInfo.InvariantCulture);
        }

        return ids;
    }

    /// <summary>A <c>Product Added</c> event of <paramref name="userId"/>: the most common event that changes a profile.</summary>
    public static SegmentEvent ProductAdded(string userId) =>
        Ecommerce.ProductAdded("bench-add-" + userId, userId, Start.AddMinutes(30), s_monopoly, cartId: "cart-1");

    /// <summary>
    /// The profile of a shopper after a visit: identified with traits, a page view, three products viewed, two
    /// in the cart (about 300 bytes as MessagePack).
    /// </summary>
    public static CustomerProfile Shopper(string userId)
    {
        var profile = ProfileUpdater.Create(userId, Start);
        var at = Start;
        var anonymousId = "anon-" + userId;
        Apply(profile, SegmentEvent.Page(Id(userId, 0), userId, "Home", at, new Dictionary<string, object?>
        {
            ["path"] = "/",
            ["url"] = "https://www.example.com/",
        }));
        Apply(profile, SegmentEvent.Identify(Id(userId, 1), userId, at = at.AddSeconds(20), new Dictionary<string, object?>
        {
            ["email"] = userId + "@example.com",
            ["first_name"] = "Peter",
            ["last_name"] = "Gibbons",
            ["plan"] = "premium",
            ["logins"] = 5L,
        }, anonymousId));
        Apply(profile, Ecommerce.ProductViewed(Id(userId, 2), userId, at = at.AddSeconds(30), s_monopoly));
        Apply(profile, Ecommerce.ProductViewed(Id(userId, 3), userId, at = at.AddSeconds(30), s_uno));
        Apply(profile, Ecommerce.ProductViewed(Id(userId, 4), userId, at = at.AddSeconds(30), s_chess));
        Apply(profile, Ecommerce.ProductAdded(Id(userId, 5), userId, at = at.AddSeconds(10), s_uno, cartId: "cart-1"));
        Apply(profile, Ecommerce.ProductAdded(Id(userId, 6), userId, at.AddSeconds(10), s_chess, cartId: "cart-1"));
        return profile;
    }

    private static void Apply(CustomerProfile profile, SegmentEvent @event) => ProfileUpdater.Apply(profile, @event);

    private static string Id(string userId, int n) => string.Create(CultureInfo.InvariantCulture, $"{userId}-{n}");
}
