using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>Timers that share a second, move within it, or are cancelled and started again, in event time.</summary>
public class TriggerTimerEdgeCaseTests
{
    private const string Name = Trigger.CartAbandonmentName;
    private static readonly DateTimeOffset s_due = TestEvents.T0.AddHours(1);

    private static Dictionary<string, object?> Order => new() { ["revenue"] = 10.0 };

    [Test]
    public async Task Timers_in_the_same_second_fire_only_once_the_clock_reaches_each_one()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("early", "p1", at: TestEvents.T0.AddMilliseconds(200)),
            TestEvents.ProductAdded("late", "p1", at: TestEvents.T0.AddMilliseconds(800)),
            TestEvents.Page("anyone", at: s_due.AddMilliseconds(500)),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents.Select(i => i.UserId), Is.EqualTo(new[] { "early" }), "the rest of the second is still to come");

        await pipeline.IngestAsync(TestEvents.Page("anyone", at: s_due.AddMilliseconds(800)));
        await pipeline.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.UserId, i.Due)), Is.EqualTo(new[]
            {
                ("early", s_due.AddMilliseconds(200)),
                ("late", s_due.AddMilliseconds(800)),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((2L, 0L, 0L, 0L, 2L)));
        });
    }

    [Test]
    public async Task A_restart_within_the_same_second_moves_the_due_time_within_it()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0.AddMilliseconds(100)),
            TestEvents.ProductAdded("u1", "p2", at: TestEvents.T0.AddMilliseconds(600)),
            TestEvents.Page("anyone", at: s_due.AddMilliseconds(300)),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty);

        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.Due), Is.EqualTo(new[] { s_due.AddMilliseconds(600) }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 1L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task A_cart_cancelled_and_started_again_is_sent_once_for_the_new_instance()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("later", "p1", at: TestEvents.T0),
            TestEvents.OrderCompleted("later", Order, TestEvents.T0.AddMinutes(10)),
            TestEvents.ProductAdded("later", "p2", at: TestEvents.T0.AddMinutes(20)),
            // Started again within the same second: its timer lands in the bucket of the cancelled one.
            TestEvents.ProductAdded("same-second", "p1", at: TestEvents.T0.AddMinutes(30)),
            TestEvents.OrderCompleted("same-second", Order, TestEvents.T0.AddMinutes(30).AddMilliseconds(100)),
            TestEvents.ProductAdded("same-second", "p2", at: TestEvents.T0.AddMinutes(30).AddMilliseconds(500)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.EnteredAt, i.Due)), Is.EqualTo(new[]
            {
                ("cart_abandonment:later:2", TestEvents.T0.AddMinutes(20), TestEvents.T0.AddMinutes(80)),
                ("cart_abandonment:same-second:2", TestEvents.T0.AddMinutes(30).AddMilliseconds(500), TestEvents.T0.AddMinutes(90).AddMilliseconds(500)),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((4L, 0L, 2L, 0L, 2L)));
        });
    }

    [Test]
    public async Task Sends_of_one_shard_come_in_due_time_order()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment());

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("c", "p1", at: TestEvents.T0),
            TestEvents.ProductAdded("a", "p1", at: TestEvents.T0.AddMinutes(1)),
            TestEvents.ProductAdded("b", "p1", at: TestEvents.T0.AddMinutes(2)),
            TestEvents.ProductAdded("c", "p2", at: TestEvents.T0.AddMinutes(3)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.That(sink.Intents.Select(i => i.UserId), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public async Task The_re_entry_limit_of_one_trigger_does_not_hold_back_another()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1,
            Trigger.CartAbandonment(), Trigger.When("cart_nudge", "Product Added").After(TimeSpan.FromHours(2)).Reentry(ReentryPolicy.OncePer(TimeSpan.FromDays(1))));

        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0));
        await pipeline.CompleteReplayAsync();

        Assert.That(sink.Intents.Select(i => i.SendKey), Is.EqualTo(new[] { "cart_abandonment:u1:1", "cart_nudge:u1:1" }));
    }

    [Test]
    public async Task A_pending_instance_of_a_trigger_removed_from_the_configuration_is_dropped_without_a_send()
    {
        using var directory = new TempDirectory();
        await using (var first = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: [Trigger.CartAbandonment(), Trigger.PostPurchase()]))
        {
            await first.IngestAsync(TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0));
            await first.FlushAsync();
        }

        var sink = new TriggerSendRecorder();
        await using (var second = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.PostPurchase()))
        {
            await second.IngestAsync(TestEvents.Page("u1", at: TestEvents.T0.AddHours(2)));
            await second.CompleteReplayAsync();

            Assert.Multiple(() =>
            {
                Assert.That(sink.Intents, Is.Empty);
                Assert.That(second.TriggerCounts.Keys, Is.EqualTo(new[] { Trigger.PostPurchaseName }));
            });
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path);
        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.Empty);
            Assert.That(buckets, Is.Zero);
        });
    }

    [Test]
    public async Task With_allowed_lateness_an_order_that_arrives_late_still_cancels_the_send()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var options = TriggerTestKit.Options(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment());
        options.AllowedLateness = TimeSpan.FromMinutes(5);
        await using var pipeline = await TestPipelines.StartAsync(options);

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("late-order", "p1", at: TestEvents.T0),
            TestEvents.ProductAdded("no-order", "p1", at: TestEvents.T0),
            TestEvents.Page("anyone", at: s_due.AddMinutes(4)),
            // Four minutes late: the clock is still before the due time, so the order wins.
            TestEvents.OrderCompleted("late-order", Order, s_due.AddMinutes(-1)),
        ]);
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "the clock stays five minutes behind the newest event");

        await pipeline.IngestAsync(TestEvents.Page("anyone", at: s_due.AddMinutes(5)));
        await pipeline.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.UserId, i.Due)), Is.EqualTo(new[] { ("no-order", s_due) }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((2L, 0L, 1L, 0L, 1L)));
        });
    }
}
