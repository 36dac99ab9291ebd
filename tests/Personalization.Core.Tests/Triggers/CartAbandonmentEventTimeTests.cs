using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>The built-in cart abandonment trigger, exactly as documented, with the clock taken from event timestamps.</summary>
public class CartAbandonmentEventTimeTests
{
    private const string Name = Trigger.CartAbandonmentName;
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);

    private static Dictionary<string, object?> Order => new() { ["revenue"] = 10.0 };

    [Test]
    public async Task Cart_abandonment_fires_an_hour_after_product_added_when_no_order_follows()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
            TestEvents.Page("u1", at: TestEvents.T0 + s_hour - TimeSpan.FromSeconds(1)),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "nothing is sent a second before the hour is up");

        await pipeline.IngestAsync(TestEvents.Page("u1", at: TestEvents.T0 + s_hour));
        await pipeline.FlushAsync();

        var intent = sink.Intents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(intent.SendKey, Is.EqualTo("cart_abandonment:u1:1"));
            Assert.That(intent.Trigger, Is.EqualTo(Name));
            Assert.That(intent.UserId, Is.EqualTo("u1"));
            Assert.That(intent.InstanceKey, Is.EqualTo("u1"));
            Assert.That(intent.EnteredAt, Is.EqualTo(TestEvents.T0));
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0 + s_hour));
            Assert.That(intent.Template, Is.EqualTo("cart_abandonment"));
            Assert.That(intent.Reasons, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(intent.Reasons[0], Is.EqualTo(TriggerReasons.Entered));
            Assert.That(intent.Reasons[^1], Is.EqualTo(TriggerReasons.Fired));
            Assert.That(intent.Reasons, Has.None.StartsWith(TriggerReasons.Restarted));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 0L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task Cart_abandonment_uses_the_configured_delay()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink,
            triggers: Trigger.CartAbandonment(TimeSpan.FromMinutes(10)));

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
            TestEvents.Page("u1", at: TestEvents.T0.AddMinutes(10)),
        ]);
        await pipeline.FlushAsync();

        Assert.That(sink.Intents.Select(i => i.Due), Is.EqualTo(new[] { TestEvents.T0.AddMinutes(10) }));
    }

    [Test]
    public async Task A_later_product_added_while_pending_moves_the_due_time()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
            TestEvents.ProductAdded("u1", "p2", at: TestEvents.T0.AddMinutes(30)),
            TestEvents.Page("u1", at: TestEvents.T0 + s_hour),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "the first due time no longer holds");

        await pipeline.IngestAsync(TestEvents.Page("u1", at: TestEvents.T0.AddMinutes(90)));
        await pipeline.FlushAsync();

        var intent = sink.Intents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(intent.SendKey, Is.EqualTo("cart_abandonment:u1:1"), "a restart is the same instance");
            Assert.That(intent.EnteredAt, Is.EqualTo(TestEvents.T0));
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0.AddMinutes(90)));
            Assert.That(intent.Reasons[0], Is.EqualTo(TriggerReasons.Entered));
            Assert.That(intent.Reasons, Has.Some.StartsWith(TriggerReasons.Restarted));
            Assert.That(intent.Reasons[^1], Is.EqualTo(TriggerReasons.Fired));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 1L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task Order_completed_cancels_the_pending_instance()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
            TestEvents.OrderCompleted("u1", Order, TestEvents.T0.AddMinutes(10)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents, Is.Empty);
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 0L, 1L, 0L, 0L)));
        });
    }

    [Test]
    public async Task An_instance_whose_cart_is_empty_when_due_is_cancelled()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u2", "p1", quantity: 2, at: TestEvents.T0),
            TestEvents.ProductAdded("u1", "p1", quantity: 1, at: TestEvents.T0),
            TestEvents.ProductAdded("u1", "p2", quantity: 2, at: TestEvents.T0.AddMinutes(1)),
            TestEvents.ProductRemoved("u1", "p1", quantity: 1, at: TestEvents.T0.AddMinutes(2)),
            TestEvents.ProductRemoved("u1", "p2", quantity: 2, at: TestEvents.T0.AddMinutes(3)),
            // Still something in u2's cart: that one fires.
            TestEvents.ProductRemoved("u2", "p1", quantity: 1, at: TestEvents.T0.AddMinutes(3)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.UserId), Is.EqualTo(new[] { "u2" }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((2L, 1L, 1L, 0L, 1L)));
        });
    }

    [Test]
    public async Task A_timer_due_at_an_events_timestamp_is_decided_before_that_event_is_applied()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment());

        SegmentEvent[] events =
        [
            // Due exactly when the order comes in: the decision sees the cart before the order emptied it.
            TestEvents.ProductAdded("ordered", "p1", at: TestEvents.T0),
            TestEvents.OrderCompleted("ordered", Order, TestEvents.T0 + s_hour),
            // Due exactly when the cart is emptied: the decision sees the full cart.
            TestEvents.ProductAdded("emptied", "p1", at: TestEvents.T0),
            TestEvents.ProductRemoved("emptied", "p1", at: TestEvents.T0 + s_hour),
            // A millisecond earlier, the order and the removal win.
            TestEvents.ProductAdded("ordered-early", "p1", at: TestEvents.T0.AddMinutes(1)),
            TestEvents.OrderCompleted("ordered-early", Order, TestEvents.T0.AddMinutes(61).AddMilliseconds(-1)),
            TestEvents.ProductAdded("emptied-early", "p1", at: TestEvents.T0.AddMinutes(1)),
            TestEvents.ProductRemoved("emptied-early", "p1", at: TestEvents.T0.AddMinutes(61).AddMilliseconds(-1)),
        ];
        await pipeline.IngestBatchAsync([.. events.OrderBy(e => e.Timestamp)]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.UserId, i.Due)), Is.EquivalentTo(new[]
            {
                ("ordered", TestEvents.T0 + s_hour),
                ("emptied", TestEvents.T0 + s_hour),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((4L, 0L, 2L, 0L, 2L)));
        });
    }

    [Test]
    public async Task Complete_replay_resolves_every_pending_timer_in_due_time_order()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
            TestEvents.ProductAdded("u2", "p1", at: TestEvents.T0.AddMinutes(20)),
            TestEvents.ProductAdded("u3", "p1", at: TestEvents.T0.AddMinutes(40)),
            TestEvents.OrderCompleted("u3", Order, TestEvents.T0.AddMinutes(50)),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "nothing is due yet at the newest event's time");

        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[]
            {
                ("cart_abandonment:u1:1", TestEvents.T0 + s_hour),
                ("cart_abandonment:u2:1", TestEvents.T0.AddMinutes(80)),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((3L, 0L, 1L, 0L, 2L)));
        });
    }

    [Test]
    public async Task A_second_cart_abandonment_within_24_hours_of_the_previous_send_is_suppressed()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());
        var firstSend = TestEvents.T0 + s_hour;

        await pipeline.IngestBatchAsync(
        [
            // Both users get their first send at T0 + 1 h.
            TestEvents.ProductAdded("exact", "p1", at: TestEvents.T0),
            TestEvents.ProductAdded("short", "p1", at: TestEvents.T0),
            // Due at T0 + 3 h, 2 hours after the first send: suppressed.
            TestEvents.ProductAdded("exact", "p2", at: TestEvents.T0.AddHours(2)),
            TestEvents.ProductAdded("short", "p2", at: TestEvents.T0.AddHours(2)),
            // Due a second short of 24 hours after the first send: suppressed.
            TestEvents.ProductAdded("short", "p3", at: firstSend.AddHours(23).AddSeconds(-1)),
            // Due exactly 24 hours after the first send: fires.
            TestEvents.ProductAdded("exact", "p3", at: firstSend.AddHours(23)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EquivalentTo(new[]
            {
                ("cart_abandonment:exact:1", firstSend),
                ("cart_abandonment:short:1", firstSend),
                ("cart_abandonment:exact:3", firstSend.AddHours(24)),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((6L, 0L, 0L, 3L, 3L)));
        });
    }

    [Test]
    public async Task Suppressed_sends_do_not_restart_the_24_hour_window()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),                // fires at T0 + 1 h
            TestEvents.ProductAdded("u1", "p2", at: TestEvents.T0.AddHours(20)),   // due T0 + 21 h: suppressed
            TestEvents.ProductAdded("u1", "p3", at: TestEvents.T0.AddHours(24)),   // due T0 + 25 h: 24 h after the send
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.That(sink.Intents.Select(i => i.Due), Is.EqualTo(new[] { TestEvents.T0.AddHours(1), TestEvents.T0.AddHours(25) }));
    }

    [Test]
    public async Task The_send_keys_are_the_same_when_the_same_events_are_replayed_into_a_fresh_store()
    {
        var events = new List<SegmentEvent>();
        for (var user = 0; user < 12; user++)
        {
            var id = "user-" + user;
            events.Add(TestEvents.ProductAdded(id, "p1", at: TestEvents.T0.AddMinutes(user)));
            events.Add(TestEvents.ProductAdded(id, "p2", at: TestEvents.T0.AddMinutes(user + 30)));
            events.Add(TestEvents.ProductAdded(id, "p3", at: TestEvents.T0.AddDays(2).AddMinutes(user)));
            if (user % 3 == 0)
            {
                events.Add(TestEvents.OrderCompleted(id, Order, TestEvents.T0.AddDays(2).AddMinutes(user + 5)));
            }
        }

        events = [.. events.OrderBy(e => e.Timestamp)];
        var first = await ReplayAsync(events, shardCount: 1);
        var second = await ReplayAsync(events, shardCount: 4);

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(12 + 8));
            Assert.That(second, Is.EquivalentTo(first));
            Assert.That(first.Select(i => i.SendKey), Is.Unique);
            Assert.That(first.Where(i => i.UserId == "user-1").Select(i => i.SendKey),
                Is.EquivalentTo(new[] { "cart_abandonment:user-1:1", "cart_abandonment:user-1:2" }));
        });

        static async Task<List<(string SendKey, string UserId, DateTimeOffset EnteredAt, DateTimeOffset Due)>> ReplayAsync(
            List<SegmentEvent> events, int shardCount)
        {
            using var directory = new TempDirectory();
            var sink = new TriggerSendRecorder();
            await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount, Trigger.CartAbandonment());
            await pipeline.IngestBatchAsync(events);
            await pipeline.CompleteReplayAsync();
            return [.. sink.Intents.Select(i => (i.SendKey, i.UserId, i.EnteredAt, i.Due))];
        }
    }

    [Test]
    public async Task Without_a_send_sink_decisions_are_still_counted()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: Trigger.CartAbandonment());

        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0));
        await pipeline.CompleteReplayAsync();

        Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 0L, 0L, 0L, 1L)));
    }

    [Test]
    public async Task Events_of_other_types_and_names_leave_the_trigger_alone()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.Page("u1", EcommerceEvents.ProductAdded, TestEvents.T0),
            TestEvents.Track("u1", EcommerceEvents.ProductViewed, TestEvents.T0),
            TestEvents.Identify("u1", new Dictionary<string, object?> { ["email"] = "u1@example.com" }, TestEvents.T0),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents, Is.Empty);
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((0L, 0L, 0L, 0L, 0L)));
        });
    }

    [Test]
    public async Task Pipeline_in_event_time_reports_zero_counts_for_a_configured_trigger_before_any_event()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: Trigger.CartAbandonment());

        Assert.That(pipeline.TriggerCounts.Keys, Is.EqualTo(new[] { Name }));
        Assert.That(pipeline.Options.Clock, Is.EqualTo(ClockMode.EventTime));
    }
}
