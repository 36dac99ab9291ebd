using MessagePack;
using Personalization.Events;
using Personalization.Profiles;

namespace Personalization.Tests.Events;

public class SegmentEventMessagePackTests
{
    [Test]
    public void A_segment_event_keeps_its_values_through_messagepack()
    {
        var sent = new SegmentEvent
        {
            MessageId = "m-1",
            Type = SegmentEventType.Identify,
            UserId = "u1",
            AnonymousId = "a1",
            Name = "n",
            PreviousId = "p",
            Timestamp = new DateTimeOffset(2026, 3, 1, 12, 0, 0, 250, TimeSpan.Zero),
            Traits = new Dictionary<string, object?>
            {
                ["email"] = "u1@example.com",
                ["age"] = 41L,
                ["score"] = 0.5,
                ["vip"] = true,
                ["nothing"] = null,
                ["tags"] = new List<object?> { "a", 1L },
                ["address"] = new Dictionary<string, object?> { ["city"] = "Berlin", ["zip"] = 10115L },
            },
            Context = new Dictionary<string, object?> { ["locale"] = "de-DE" },
        };

        var copy = MessagePackSerializer.Deserialize<SegmentEvent>(MessagePackSerializer.Serialize(sent));

        Assert.Multiple(() =>
        {
            Assert.That(copy.MessageId, Is.EqualTo(sent.MessageId));
            Assert.That(copy.Type, Is.EqualTo(sent.Type));
            Assert.That(copy.UserId, Is.EqualTo(sent.UserId));
            Assert.That(copy.AnonymousId, Is.EqualTo(sent.AnonymousId));
            Assert.That(copy.Name, Is.EqualTo(sent.Name));
            Assert.That(copy.PreviousId, Is.EqualTo(sent.PreviousId));
            Assert.That(copy.Timestamp, Is.EqualTo(sent.Timestamp));
            Assert.That(copy.Properties, Is.Empty);
            Assert.That(copy.Context["locale"], Is.EqualTo("de-DE"));
            Assert.That(copy.Traits["email"], Is.EqualTo("u1@example.com"));
            Assert.That(copy.Traits["age"], Is.TypeOf<long>().And.EqualTo(41L));
            Assert.That(copy.Traits["score"], Is.TypeOf<double>().And.EqualTo(0.5));
            Assert.That(copy.Traits["vip"], Is.EqualTo(true));
            Assert.That(copy.Traits["nothing"], Is.Null);
            Assert.That(copy.Traits["tags"], Is.InstanceOf<IReadOnlyList<object?>>().And.EqualTo(new object[] { "a", 1L }));
            Assert.That(copy.Traits["address"], Is.InstanceOf<IReadOnlyDictionary<string, object?>>());
            Assert.That(((IReadOnlyDictionary<string, object?>)copy.Traits["address"]!)["zip"], Is.TypeOf<long>().And.EqualTo(10115L));
        });
    }

    [Test]
    public void An_order_applied_after_a_messagepack_round_trip_counts_the_same()
    {
        var order = new SegmentEvent
        {
            MessageId = "m-2",
            Type = SegmentEventType.Track,
            UserId = "u1",
            Event = EcommerceEvents.OrderCompleted,
            Timestamp = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
            Properties = new Dictionary<string, object?>
            {
                ["products"] = new List<object?>
                {
                    new Dictionary<string, object?> { ["product_id"] = "p1", ["price"] = 10L, ["quantity"] = 2L },
                    new Dictionary<string, object?> { ["product_id"] = "p2", ["price"] = 2.5 },
                },
            },
        };
        var copy = MessagePackSerializer.Deserialize<SegmentEvent>(MessagePackSerializer.Serialize(order));

        var direct = ProfileUpdater.Create("u1", order.Timestamp);
        ProfileUpdater.Apply(direct, order);
        var viaCopy = ProfileUpdater.Create("u1", order.Timestamp);
        ProfileUpdater.Apply(viaCopy, copy);

        Assert.Multiple(() =>
        {
            Assert.That(direct.TotalSpent, Is.EqualTo(22.5m));
            Assert.That(viaCopy.TotalSpent, Is.EqualTo(direct.TotalSpent));
        });
    }
}
