using Personalization.Events;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>Triggers built with <see cref="Trigger.When(string, string)"/>: entry conditions, instance keys, exit
/// conditions and re-entry policies, in event time.</summary>
public class CustomTriggerTests
{
    private const string Name = "cart_reminder";

    private static SegmentEvent Added(string userId, string? cartId, double price, DateTimeOffset at)
    {
        var properties = new Dictionary<string, object?> { ["product_id"] = "p-" + price, ["price"] = price };
        if (cartId is not null)
        {
            properties["cart_id"] = cartId;
        }

        return TestEvents.Track(userId, EcommerceEvents.ProductAdded, at, properties: properties);
    }

    private static SegmentEvent Ordered(string userId, string? cartId, DateTimeOffset at)
    {
        var properties = new Dictionary<string, object?> { ["revenue"] = 10.0 };
        if (cartId is not null)
        {
            properties["cart_id"] = cartId;
        }

        return TestEvents.OrderCompleted(userId, properties, at);
    }

    private static string? CartId(SegmentEvent @event) =>
        @event.Properties.TryGetValue("cart_id", out var value) ? value as string : null;

    [Test]
    public async Task An_entry_condition_lets_only_matching_events_start_an_instance()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When(Name, EcommerceEvents.ProductAdded)
            .If((_, profile) => profile.CartValue >= 100m)
            .After(TimeSpan.FromMinutes(30))
            .RestartOn(EcommerceEvents.ProductAdded);
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: trigger);

        await pipeline.IngestBatchAsync(
        [
            Added("small", null, 20, TestEvents.T0),
            Added("big", null, 60, TestEvents.T0),
            Added("big", null, 60, TestEvents.T0.AddMinutes(5)),   // the cart reaches 120: enters now
            Added("big", null, 1, TestEvents.T0.AddMinutes(10)),   // restarts, whatever its value
        ]);
        await pipeline.CompleteReplayAsync();

        var intent = sink.Intents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(intent.SendKey, Is.EqualTo("cart_reminder:big:1"));
            Assert.That(intent.Template, Is.EqualTo(Name), "the template defaults to the trigger's name");
            Assert.That(intent.EnteredAt, Is.EqualTo(TestEvents.T0.AddMinutes(5)));
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0.AddMinutes(40)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 1L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task Keyed_by_cart_two_carts_of_one_user_are_two_instances()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When(Name, EcommerceEvents.ProductAdded)
            .KeyedBy(CartId)
            .RestartOn(EcommerceEvents.ProductAdded)
            .CancelOn(EcommerceEvents.OrderCompleted)
            .SendTemplate("cart_reminder_email");
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: trigger);

        await pipeline.IngestBatchAsync(
        [
            Added("u1", "cart-a", 10, TestEvents.T0),
            Added("u1", "cart-b", 10, TestEvents.T0.AddMinutes(1)),
            Added("u1", "cart-c", 10, TestEvents.T0.AddMinutes(2)),
            Added("u1", "cart-a", 10, TestEvents.T0.AddMinutes(10)),   // restarts cart-a only
            Ordered("u1", "cart-c", TestEvents.T0.AddMinutes(15)),     // cancels cart-c only
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.UserId, i.InstanceKey, i.Due, i.Template)), Is.EqualTo(new[]
            {
                ("cart_reminder:u1/cart-b:2", "u1", "cart-b", TestEvents.T0.AddMinutes(61), "cart_reminder_email"),
                ("cart_reminder:u1/cart-a:1", "u1", "cart-a", TestEvents.T0.AddMinutes(70), "cart_reminder_email"),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((3L, 1L, 1L, 0L, 2L)));
        });
    }

    [Test]
    public async Task Keyed_events_without_the_key_fall_back_to_the_user()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When(Name, EcommerceEvents.ProductAdded).KeyedBy(CartId);
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: trigger);

        await pipeline.IngestBatchAsync([Added("u1", null, 10, TestEvents.T0), Added("u1", "cart-a", 10, TestEvents.T0)]);
        await pipeline.CompleteReplayAsync();

        Assert.That(sink.Intents.Select(i => (i.InstanceKey, i.UserId)), Is.EquivalentTo(new[] { ("u1", "u1"), ("cart-a", "u1") }));
    }

    [Test]
    public async Task Keyed_instances_of_two_users_with_the_same_key_are_separate()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When("product_reminder", EcommerceEvents.ProductAdded)
            .KeyedBy(e => e.Properties.TryGetValue("product_id", out var id) ? id as string : null)
            .RestartOn(EcommerceEvents.ProductAdded);
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: trigger);

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
            TestEvents.ProductAdded("u2", "p1", at: TestEvents.T0.AddMinutes(10)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.UserId, i.Due)), Is.EquivalentTo(new[]
            {
                ("u1", TestEvents.T0.AddHours(1)),
                ("u2", TestEvents.T0.AddMinutes(70)),
            }));
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.Unique);
            Assert.That(TriggerTestKit.CountsOf(pipeline, "product_reminder"), Is.EqualTo((2L, 0L, 0L, 0L, 2L)));
        });
    }

    [Test]
    public async Task An_exit_condition_that_holds_when_due_cancels_the_instance()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When("first_order_nudge", EcommerceEvents.ProductAdded)
            .ExitWhen(profile => profile.OrderCount > 0);
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: trigger);

        await pipeline.IngestBatchAsync(
        [
            Added("buyer", null, 10, TestEvents.T0),
            Added("looker", null, 10, TestEvents.T0),
            Ordered("buyer", null, TestEvents.T0.AddMinutes(5)),   // not a cancel event: only the exit condition ends it
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.UserId), Is.EqualTo(new[] { "looker" }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, "first_order_nudge"), Is.EqualTo((2L, 0L, 1L, 0L, 1L)));
        });
    }

    [Test]
    public async Task Once_ever_sends_a_user_the_email_only_the_first_time()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When("first_cart", EcommerceEvents.ProductAdded).Reentry(ReentryPolicy.OnceEver);
        var options = TriggerTestKit.Options(directory.Path, sink, triggers: trigger);

        // The events span 400 days from T0, past today's date: a replay of history, not a clock gone wrong.
        options.Validation.MaxFutureSkew = null;
        await using var pipeline = await TestPipelines.StartAsync(options);

        await pipeline.IngestBatchAsync(
        [
            Added("u1", null, 10, TestEvents.T0),
            Added("u1", null, 10, TestEvents.T0.AddDays(10)),
            Added("u1", null, 10, TestEvents.T0.AddDays(400)),
            Added("u2", null, 10, TestEvents.T0.AddDays(400)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.EquivalentTo(new[] { "first_cart:u1:1", "first_cart:u2:1" }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, "first_cart"), Is.EqualTo((4L, 0L, 0L, 2L, 2L)));
        });
    }

    [Test]
    public async Task Always_sends_every_instance_that_comes_due()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When("every_cart", EcommerceEvents.ProductAdded).After(TimeSpan.FromMinutes(1)).Reentry(ReentryPolicy.Always);
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: trigger);

        await pipeline.IngestBatchAsync([.. Enumerable.Range(0, 5).Select(i => Added("u1", null, 10, TestEvents.T0.AddMinutes(2 * i)))]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.EqualTo(Enumerable.Range(1, 5).Select(i => "every_cart:u1:" + i)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, "every_cart"), Is.EqualTo((5L, 0L, 0L, 0L, 5L)));
        });
    }

    [Test]
    public async Task A_trigger_with_no_delay_fires_at_the_next_clock_move()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        var trigger = Trigger.When("instant", EcommerceEvents.ProductAdded).After(TimeSpan.Zero);
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: trigger);

        await pipeline.IngestBatchAsync([Added("u1", null, 10, TestEvents.T0), TestEvents.Page("u1", at: TestEvents.T0.AddMilliseconds(1))]);
        await pipeline.FlushAsync();

        Assert.That(sink.Intents.Select(i => (i.EnteredAt, i.Due)), Is.EqualTo(new[] { (TestEvents.T0, TestEvents.T0) }));
    }

    [Test]
    public async Task Two_triggers_on_the_same_event_keep_separate_instances_and_counts()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 2,
            Trigger.When("short", EcommerceEvents.ProductAdded).After(TimeSpan.FromMinutes(10)).CancelOn(EcommerceEvents.ProductRemoved),
            Trigger.When("long", EcommerceEvents.ProductAdded).After(TimeSpan.FromHours(2)));

        await pipeline.IngestBatchAsync(
        [
            Added("u1", null, 10, TestEvents.T0),
            TestEvents.ProductRemoved("u1", "p-10", at: TestEvents.T0.AddMinutes(5)),
        ]);
        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[] { ("long:u1:1", TestEvents.T0.AddHours(2)) }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, "short"), Is.EqualTo((1L, 0L, 1L, 0L, 0L)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, "long"), Is.EqualTo((1L, 0L, 0L, 0L, 1L)));
        });
    }
}
