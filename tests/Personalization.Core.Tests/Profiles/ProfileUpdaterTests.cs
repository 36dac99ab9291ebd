using Personalization.Events;
using Personalization.Profiles;
using Personalization.Tests.Support;

namespace Personalization.Tests.Profiles;

public class ProfileUpdaterTests
{
    private static CustomerProfile Apply(params SegmentEvent[] events)
    {
        var profile = ProfileUpdater.Create(events[0].ProfileId!, events[0].Timestamp);
        foreach (var @event in events)
        {
            ProfileUpdater.Apply(profile, @event);
        }

        return profile;
    }

    private static Dictionary<string, object?> Props(params (string Key, object? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    [Test]
    public void Product_added_adds_a_line_with_quantity_one_by_default()
    {
        var profile = Apply(TestEvents.ProductAdded("u1", "p1", price: 4.5));

        Assert.That(profile.Cart.Select(i => (i.ProductId, i.Quantity, i.Price)), Is.EqualTo(new[] { ("p1", 1, (decimal?)4.5m) }));
    }

    [Test]
    public void Product_added_again_increments_the_line_and_keeps_the_latest_details()
    {
        var profile = Apply(
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", "p1"), ("quantity", 2L), ("price", 4.5), ("name", "Mug"))),
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", "p1"), ("quantity", 3L), ("price", 5.0), ("brand", "Acme"))));

        var line = profile.Cart.Single();
        Assert.Multiple(() =>
        {
            Assert.That(line.Quantity, Is.EqualTo(5));
            Assert.That(line.Price, Is.EqualTo(5m));
            Assert.That(line.Name, Is.EqualTo("Mug"));
            Assert.That(line.Brand, Is.EqualTo("Acme"));
            Assert.That(profile.CartQuantity, Is.EqualTo(5));
            Assert.That(profile.CartValue, Is.EqualTo(25m));
        });
    }

    [Test]
    public void Product_ids_may_come_as_sku_or_as_numbers_and_quantities_as_text()
    {
        var profile = Apply(
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("sku", "S-1"))),
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", 42L), ("quantity", "2"))));

        Assert.That(profile.Cart.Select(i => (i.ProductId, i.Quantity)), Is.EqualTo(new[] { ("S-1", 1), ("42", 2) }));
    }

    [Test]
    public void Product_added_without_a_product_id_changes_no_cart_but_is_counted()
    {
        var profile = Apply(TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("price", 3.0))));

        Assert.Multiple(() =>
        {
            Assert.That(profile.Cart, Is.Empty);
            Assert.That(profile.EventCounts[EcommerceEvents.ProductAdded], Is.EqualTo(1));
        });
    }

    [Test]
    public void Product_removed_with_a_quantity_removes_that_many()
    {
        var profile = Apply(TestEvents.ProductAdded("u1", "p1", quantity: 3), TestEvents.ProductRemoved("u1", "p1", quantity: 2));

        Assert.That(profile.Cart.Single().Quantity, Is.EqualTo(1));
    }

    [Test]
    public void Product_removed_without_a_quantity_removes_the_whole_line()
    {
        var profile = Apply(
            TestEvents.ProductAdded("u1", "p1", quantity: 3),
            TestEvents.ProductAdded("u1", "p2"),
            TestEvents.ProductRemoved("u1", "p1"));

        Assert.That(profile.Cart.Select(i => i.ProductId), Is.EqualTo(new[] { "p2" }));
    }

    [Test]
    public void Product_removed_with_more_than_in_the_cart_removes_the_line()
    {
        var profile = Apply(TestEvents.ProductAdded("u1", "p1", quantity: 2), TestEvents.ProductRemoved("u1", "p1", quantity: 5));

        Assert.That(profile.Cart, Is.Empty);
    }

    [Test]
    public void Product_removed_for_a_product_not_in_the_cart_changes_nothing()
    {
        var profile = Apply(TestEvents.ProductAdded("u1", "p1"), TestEvents.ProductRemoved("u1", "p9"));

        Assert.That(profile.Cart.Select(i => (i.ProductId, i.Quantity)), Is.EqualTo(new[] { ("p1", 1) }));
    }

    [Test]
    public void Order_completed_empties_the_cart_counts_the_order_and_adds_its_revenue()
    {
        var profile = Apply(
            TestEvents.ProductAdded("u1", "p1", quantity: 2, price: 10, at: TestEvents.At(0)),
            TestEvents.OrderCompleted("u1", Props(("revenue", 18.5), ("total", 99.0)), TestEvents.At(10)),
            TestEvents.OrderCompleted("u1", Props(("revenue", 1.5)), TestEvents.At(20)));

        Assert.Multiple(() =>
        {
            Assert.That(profile.Cart, Is.Empty);
            Assert.That(profile.OrderCount, Is.EqualTo(2));
            Assert.That(profile.TotalSpent, Is.EqualTo(20m));
            Assert.That(profile.LastOrderAt, Is.EqualTo(TestEvents.At(20)));
        });
    }

    [Test]
    public void Order_completed_without_revenue_uses_the_total()
    {
        var profile = Apply(TestEvents.OrderCompleted("u1", Props(("total", 42L))));

        Assert.That(profile.TotalSpent, Is.EqualTo(42m));
    }

    [Test]
    public void Order_completed_without_revenue_or_total_sums_the_products_prices_times_quantities()
    {
        var products = new List<object?>
        {
            new Dictionary<string, object?> { ["product_id"] = "p1", ["price"] = 10.0, ["quantity"] = 2L },
            new Dictionary<string, object?> { ["product_id"] = "p2", ["price"] = 2.5 },
            new Dictionary<string, object?> { ["product_id"] = "p3" },
        };

        var profile = Apply(TestEvents.OrderCompleted("u1", Props(("products", products))));

        Assert.That(profile.TotalSpent, Is.EqualTo(22.5m));
    }

    [Test]
    public void Order_completed_from_json_sums_the_products()
    {
        var parsed = SegmentJson.Parse("""
            {"type":"track","event":"Order Completed","messageId":"m","userId":"u1","timestamp":"2026-03-01T12:00:00Z",
             "properties":{"order_id":"o1","products":[{"product_id":"p1","price":19.99,"quantity":2},{"product_id":"p2","price":"5"}]}}
            """);

        var profile = Apply(parsed.Event!);

        Assert.That(profile.TotalSpent, Is.EqualTo(44.98m));
    }

    [Test]
    public void Later_out_of_order_order_does_not_move_last_order_back()
    {
        var profile = Apply(
            TestEvents.OrderCompleted("u1", Props(("revenue", 1L)), TestEvents.At(50)),
            TestEvents.OrderCompleted("u1", Props(("revenue", 1L)), TestEvents.At(10)));

        Assert.That(profile.LastOrderAt, Is.EqualTo(TestEvents.At(50)));
    }

    [Test]
    public void Identify_merges_traits_keeping_the_latest_value_of_each()
    {
        var profile = Apply(
            TestEvents.Identify("u1", Props(("email", "old@example.com"), ("plan", "free"))),
            TestEvents.Identify("u1", Props(("email", "new@example.com"), ("first_name", "Ann"))));

        Assert.Multiple(() =>
        {
            Assert.That(profile.Traits, Is.EquivalentTo(new Dictionary<string, object?>
            {
                ["email"] = "new@example.com",
                ["plan"] = "free",
                ["first_name"] = "Ann",
            }));
            Assert.That(profile.Email, Is.EqualTo("new@example.com"));
            Assert.That(profile.EventCounts, Is.Empty, "identify calls are not track events");
        });
    }

    [Test]
    public void Anonymous_ids_are_recorded_once_each_in_the_order_first_seen()
    {
        var profile = Apply(
            TestEvents.Identify("u1", Props(), anonymousId: "a1"),
            new SegmentEvent { MessageId = "m", Type = SegmentEventType.Track, UserId = "u1", AnonymousId = "a2", Event = "A", Timestamp = TestEvents.T0 },
            TestEvents.Identify("u1", Props(), anonymousId: "a1"));

        Assert.That(profile.AnonymousIds, Is.EqualTo(new[] { "a1", "a2" }));
    }

    [Test]
    public void Anonymous_ids_are_bounded()
    {
        var events = Enumerable.Range(0, ProfileUpdater.MaxAnonymousIds + 10)
            .Select(i => TestEvents.Identify("u1", Props(), anonymousId: "a" + i))
            .ToArray();

        var profile = Apply(events);

        Assert.That(profile.AnonymousIds, Has.Count.EqualTo(ProfileUpdater.MaxAnonymousIds));
    }

    [Test]
    public void First_and_last_seen_are_the_earliest_and_latest_event_times_whatever_the_order()
    {
        var profile = Apply(
            TestEvents.Track("u1", "A", TestEvents.At(10)),
            TestEvents.Track("u1", "A", TestEvents.At(-5)),
            TestEvents.Track("u1", "A", TestEvents.At(30)),
            TestEvents.Track("u1", "A", TestEvents.At(20)));

        Assert.Multiple(() =>
        {
            Assert.That(profile.FirstSeen, Is.EqualTo(TestEvents.At(-5)));
            Assert.That(profile.LastSeen, Is.EqualTo(TestEvents.At(30)));
            Assert.That(profile.EventCount, Is.EqualTo(4));
            Assert.That(profile.EventCounts["A"], Is.EqualTo(4));
        });
    }

    [Test]
    public void Pages_and_screens_count_as_page_views()
    {
        var profile = Apply(
            TestEvents.Page("u1"),
            new SegmentEvent { MessageId = "s", Type = SegmentEventType.Screen, UserId = "u1", Name = "Home", Timestamp = TestEvents.T0 },
            TestEvents.Track("u1", "A"));

        Assert.Multiple(() =>
        {
            Assert.That(profile.PageViews, Is.EqualTo(2));
            Assert.That(profile.EventCount, Is.EqualTo(3));
        });
    }

    [Test]
    public void The_cart_is_bounded()
    {
        var events = Enumerable.Range(0, ProfileUpdater.MaxCartLines + 5).Select(i => TestEvents.ProductAdded("u1", "p" + i)).ToArray();

        var profile = Apply(events);

        Assert.That(profile.Cart, Has.Count.EqualTo(ProfileUpdater.MaxCartLines));
    }

    [TestCase(10_000_000_000L)]
    [TestCase(3e9)]
    public void An_absurd_quantity_is_still_applied_instead_of_failing_the_event(object quantity)
    {
        var profile = Apply(
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", "p1"), ("quantity", quantity))),
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", "p1"), ("quantity", quantity))),
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", "p2"), ("quantity", 2L))),
            TestEvents.Track("u1", EcommerceEvents.ProductRemoved, properties: Props(("product_id", "p2"), ("quantity", quantity))));

        Assert.Multiple(() =>
        {
            Assert.That(profile.EventCount, Is.EqualTo(4));
            Assert.That(profile.Cart.Select(i => i.ProductId), Is.EqualTo(new[] { "p1" }));
            Assert.That(profile.Cart[0].Quantity, Is.EqualTo(int.MaxValue), "quantities saturate instead of wrapping around");
        });
    }

    [Test]
    public void A_zero_or_negative_quantity_adds_one()
    {
        var profile = Apply(
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", "p1"), ("quantity", 0L))),
            TestEvents.Track("u1", EcommerceEvents.ProductAdded, properties: Props(("product_id", "p1"), ("quantity", -3L))));

        Assert.That(profile.Cart.Single().Quantity, Is.EqualTo(2));
    }
}
