using Personalization.Events;
using Personalization.Profiles;

namespace Personalization.Tests.Events;

public class EcommerceFactoryTests
{
    private static readonly DateTimeOffset s_at = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Test]
    public void Typed_cart_events_build_the_cart_the_spec_describes()
    {
        var profile = ProfileUpdater.Create("u1", s_at);
        ProfileUpdater.Apply(profile, Ecommerce.ProductAdded("m1", "u1", s_at, new Product("sku-1", 10m, 2, Name: "Mug")));
        ProfileUpdater.Apply(profile, Ecommerce.ProductAdded("m2", "u1", s_at, new Product("sku-2", 5.5m)));
        ProfileUpdater.Apply(profile, Ecommerce.ProductRemoved("m3", "u1", s_at, new Product("sku-1", Quantity: 1)));

        Assert.That(profile.Cart.Select(i => (i.ProductId, i.Quantity, i.Price, i.Name)), Is.EqualTo(new[]
        {
            ("sku-1", 1, (decimal?)10m, (string?)"Mug"),
            ("sku-2", 1, (decimal?)5.5m, (string?)null),
        }));
        Assert.That(profile.CartValue, Is.EqualTo(15.5m));
    }

    [Test]
    public void Typed_order_without_revenue_counts_the_products_prices()
    {
        var profile = ProfileUpdater.Create("u1", s_at);
        ProfileUpdater.Apply(profile, Ecommerce.ProductAdded("m1", "u1", s_at, new Product("sku-1", 10m)));
        ProfileUpdater.Apply(profile, Ecommerce.OrderCompleted("m2", "u1", s_at.AddMinutes(5), "o-1",
            [new Product("sku-1", 10m, 2), new Product("sku-2", 2.5m)]));

        Assert.Multiple(() =>
        {
            Assert.That(profile.TotalSpent, Is.EqualTo(22.5m));
            Assert.That(profile.OrderCount, Is.EqualTo(1));
            Assert.That(profile.Cart, Is.Empty);
            Assert.That(profile.LastOrderAt, Is.EqualTo(s_at.AddMinutes(5)));
        });
    }

    [Test]
    public void Typed_order_with_revenue_counts_the_revenue()
    {
        var profile = ProfileUpdater.Create("u1", s_at);
        ProfileUpdater.Apply(profile, Ecommerce.OrderCompleted("m1", "u1", s_at, "o-1", [new Product("sku-1", 10m)], revenue: 7.25m));

        Assert.That(profile.TotalSpent, Is.EqualTo(7.25m));
    }

    [Test]
    public void Typed_events_survive_a_trip_through_Segment_JSON()
    {
        var sent = Ecommerce.ProductViewed("m1", null, s_at, new Product("sku-9", 99.99m, Brand: "acme"), anonymousId: "anon-1");

        var parsed = SegmentJson.Parse(SegmentJson.Serialize(sent));

        Assert.That(parsed.Success, Is.True, parsed.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Event!.Event, Is.EqualTo(EcommerceEvents.ProductViewed));
            Assert.That(parsed.Event.ProfileId, Is.EqualTo("anon-1"));
            Assert.That(parsed.Event.Timestamp, Is.EqualTo(s_at));
            Assert.That(parsed.Event.Properties["product_id"], Is.EqualTo("sku-9"));
            Assert.That(parsed.Event.Properties["price"], Is.EqualTo(99.99));
            Assert.That(parsed.Event.Properties["brand"], Is.EqualTo("acme"));
        });
    }

    [Test]
    public void Typed_event_without_any_user_id_is_refused_at_once()
    {
        Assert.That(() => Ecommerce.ProductViewed("m1", null, s_at, new Product("sku-1")),
            Throws.ArgumentException.With.Message.Contains("userId or an anonymousId"));
    }
}
