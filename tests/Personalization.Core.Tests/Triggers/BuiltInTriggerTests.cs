using Personalization.Events;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>The browse abandonment and post-purchase built-ins, as documented on <see cref="Trigger"/>, in event time.</summary>
public class BuiltInTriggerTests
{
    private static Dictionary<string, object?> Order => new() { ["revenue"] = 10.0 };

    private static SegmentEvent Viewed(string userId, DateTimeOffset at) =>
        TestEvents.Track(userId, EcommerceEvents.ProductViewed, at, properties: new Dictionary<string, object?> { ["product_id"] = "p1" });

    [Test]
    public async Task Browse_abandonment_fires_an_hour_after_the_last_product_viewed()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.BrowseAbandonment());

        await pipeline.IngestBatchAsync(
        [
            Viewed("u1", TestEvents.T0),
            Viewed("u1", TestEvents.T0.AddMinutes(20)),
            Viewed("u1", TestEvents.T0.AddMinutes(40)),
            TestEvents.Page("u1", at: TestEvents.T0.AddMinutes(99)),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "due an hour after the last view, not the first");

        await pipeline.CompleteReplayAsync();

        var intent = sink.Intents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(intent.SendKey, Is.EqualTo("browse_abandonment:u1:1"));
            Assert.That(intent.Trigger, Is.EqualTo(Trigger.BrowseAbandonmentName));
            Assert.That(intent.Template, Is.EqualTo("browse_abandonment"));
            Assert.That(intent.EnteredAt, Is.EqualTo(TestEvents.T0));
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0.AddMinutes(100)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.BrowseAbandonmentName), Is.EqualTo((1L, 2L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task Browse_abandonment_is_cancelled_by_product_added_or_order_completed()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.BrowseAbandonment());

        await pipeline.IngestBatchAsync(
        [
            Viewed("added", TestEvents.T0),
            Viewed("ordered", TestEvents.T0),
            Viewed("browsed", TestEvents.T0),
            TestEvents.ProductAdded("added", "p1", at: TestEvents.T0.AddMinutes(5)),
            TestEvents.OrderCompleted("ordered", Order, TestEvents.T0.AddMinutes(5)),
            TestEvents.ProductRemoved("browsed", "p1", at: TestEvents.T0.AddMinutes(5)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.UserId), Is.EqualTo(new[] { "browsed" }), "other events leave it pending");
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.BrowseAbandonmentName), Is.EqualTo((3L, 0L, 2L, 0L, 1L)));
        });
    }

    [Test]
    public async Task Browse_abandonment_is_sent_at_most_once_per_user_per_24_hours()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.BrowseAbandonment());

        await pipeline.IngestBatchAsync(
        [
            Viewed("u1", TestEvents.T0),                 // fires at T0 + 1 h
            Viewed("u1", TestEvents.T0.AddHours(5)),     // due T0 + 6 h: suppressed
            Viewed("u1", TestEvents.T0.AddHours(24)),    // due T0 + 25 h: fires
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[]
            {
                ("browse_abandonment:u1:1", TestEvents.T0.AddHours(1)),
                ("browse_abandonment:u1:3", TestEvents.T0.AddHours(25)),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.BrowseAbandonmentName), Is.EqualTo((3L, 0L, 0L, 1L, 2L)));
        });
    }

    [Test]
    public async Task Post_purchase_fires_three_days_after_the_last_order()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.PostPurchase());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.OrderCompleted("u1", Order, TestEvents.T0),
            TestEvents.OrderCompleted("u1", Order, TestEvents.T0.AddDays(1)),
            // Other events neither cancel nor move it.
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0.AddDays(2)),
            Viewed("u1", TestEvents.T0.AddDays(2)),
            TestEvents.Page("u1", at: TestEvents.T0.AddDays(4).AddSeconds(-1)),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "a later order moves the due time");

        await pipeline.IngestAsync(TestEvents.Page("u1", at: TestEvents.T0.AddDays(4)));
        await pipeline.FlushAsync();

        var intent = sink.Intents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(intent.SendKey, Is.EqualTo("post_purchase:u1:1"));
            Assert.That(intent.Template, Is.EqualTo("post_purchase"));
            Assert.That(intent.EnteredAt, Is.EqualTo(TestEvents.T0));
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0.AddDays(4)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.PostPurchaseName), Is.EqualTo((1L, 1L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task Post_purchase_is_sent_again_after_every_later_purchase()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.PostPurchase(TimeSpan.FromHours(2)));

        await pipeline.IngestBatchAsync(
        [
            TestEvents.OrderCompleted("u1", Order, TestEvents.T0),
            TestEvents.OrderCompleted("u1", Order, TestEvents.T0.AddHours(3)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[]
            {
                ("post_purchase:u1:1", TestEvents.T0.AddHours(2)),
                ("post_purchase:u1:2", TestEvents.T0.AddHours(5)),
            }), "no re-entry limit: a send two hours after the previous one goes out");
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.PostPurchaseName), Is.EqualTo((2L, 0L, 0L, 0L, 2L)));
        });
    }

    [Test]
    public async Task The_three_built_ins_run_side_by_side_on_one_journey()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 2,
            Trigger.CartAbandonment(), Trigger.BrowseAbandonment(), Trigger.PostPurchase());

        await pipeline.IngestBatchAsync(
        [
            Viewed("u1", TestEvents.T0),
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0.AddMinutes(10)),   // cancels browse, enters cart
            TestEvents.OrderCompleted("u1", Order, TestEvents.T0.AddMinutes(20)),    // cancels cart, enters post-purchase
            Viewed("u2", TestEvents.T0),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.EquivalentTo(new[] { "post_purchase:u1:1", "browse_abandonment:u2:1" }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName), Is.EqualTo((1L, 0L, 1L, 0L, 0L)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.BrowseAbandonmentName), Is.EqualTo((2L, 0L, 1L, 0L, 1L)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.PostPurchaseName), Is.EqualTo((1L, 0L, 0L, 0L, 1L)));
        });
    }
}
