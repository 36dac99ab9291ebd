using System.Buffers;
using Personalization.Profiles;

namespace Personalization.Tests.Profiles;

public class ProfileSerializerTests
{
    [Test]
    public void A_profile_keeps_its_values_through_the_stored_form()
    {
        var profile = new CustomerProfile
        {
            UserId = "u1",
            AnonymousIds = ["a1", "a2"],
            FirstSeen = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
            LastSeen = new DateTimeOffset(2026, 2, 2, 3, 4, 5, TimeSpan.Zero),
            EventCounts = new(StringComparer.Ordinal) { ["Product Added"] = 3, ["Order Completed"] = 1 },
            Cart =
            [
                new CartItem { ProductId = "p1", Quantity = 2, Price = 19.99m, Name = "Mug", Brand = "Acme", Category = "Kitchen" },
                new CartItem { ProductId = "p2", Quantity = 1 },
            ],
            OrderCount = 1,
            TotalSpent = 1234.5678m,
            Traits = new(StringComparer.Ordinal)
            {
                ["email"] = "u1@example.com",
                ["age"] = 41L,
                ["score"] = 0.25,
                ["vip"] = false,
                ["nothing"] = null,
                ["address"] = new Dictionary<string, object?> { ["city"] = "Berlin" },
                ["tags"] = new List<object?> { "a", "b" },
            },
            EventCount = 7,
            PageViews = 2,
            LastOrderAt = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero),
        };
        var buffer = new ArrayBufferWriter<byte>();

        ProfileSerializer.Serialize(buffer, profile);
        var copy = ProfileSerializer.Deserialize(buffer.WrittenMemory);

        Assert.Multiple(() =>
        {
            Assert.That(copy.SchemaVersion, Is.EqualTo(CustomerProfile.CurrentSchemaVersion));
            Assert.That(copy.UserId, Is.EqualTo("u1"));
            Assert.That(copy.AnonymousIds, Is.EqualTo(profile.AnonymousIds));
            Assert.That(copy.FirstSeen, Is.EqualTo(profile.FirstSeen));
            Assert.That(copy.LastSeen, Is.EqualTo(profile.LastSeen));
            Assert.That(copy.EventCounts, Is.EquivalentTo(profile.EventCounts));
            Assert.That(copy.Cart.Select(i => (i.ProductId, i.Quantity, i.Price, i.Name, i.Brand, i.Category)),
                Is.EqualTo(profile.Cart.Select(i => (i.ProductId, i.Quantity, i.Price, i.Name, i.Brand, i.Category))));
            Assert.That(copy.OrderCount, Is.EqualTo(1));
            Assert.That(copy.TotalSpent, Is.EqualTo(1234.5678m));
            Assert.That(copy.EventCount, Is.EqualTo(7));
            Assert.That(copy.PageViews, Is.EqualTo(2));
            Assert.That(copy.LastOrderAt, Is.EqualTo(profile.LastOrderAt));
            Assert.That(copy.Email, Is.EqualTo("u1@example.com"));
            Assert.That(copy.Traits["age"], Is.TypeOf<long>().And.EqualTo(41L));
            Assert.That(copy.Traits["score"], Is.TypeOf<double>().And.EqualTo(0.25));
            Assert.That(copy.Traits["vip"], Is.EqualTo(false));
            Assert.That(copy.Traits["nothing"], Is.Null);
            Assert.That(copy.Traits["address"], Is.InstanceOf<IReadOnlyDictionary<string, object?>>());
            Assert.That(((IReadOnlyDictionary<string, object?>)copy.Traits["address"]!)["city"], Is.EqualTo("Berlin"));
            Assert.That(copy.Traits["tags"], Is.InstanceOf<IReadOnlyList<object?>>().And.EqualTo(new[] { "a", "b" }));
        });
    }

    [Test]
    public void An_empty_profile_round_trips()
    {
        var buffer = new ArrayBufferWriter<byte>();
        ProfileSerializer.Serialize(buffer, new CustomerProfile { UserId = "u" });

        var copy = ProfileSerializer.Deserialize(buffer.WrittenMemory);

        Assert.Multiple(() =>
        {
            Assert.That(copy.UserId, Is.EqualTo("u"));
            Assert.That(copy.Cart, Is.Empty);
            Assert.That(copy.Traits, Is.Empty);
            Assert.That(copy.LastOrderAt, Is.Null);
            Assert.That(copy.Email, Is.Null);
        });
    }
}
