using Microsoft.Extensions.Time.Testing;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>
/// Cart abandonment with the clock taken from a <see cref="FakeTimeProvider"/>: the pipeline's tick timer runs on the
/// fake clock, so advancing it lets idle shards see their timers come due.
/// </summary>
public class CartAbandonmentProcessingTimeTests
{
    private const string Name = Trigger.CartAbandonmentName;
    private static readonly TimeSpan s_tick = TimeSpan.FromMinutes(1);

    private static Dictionary<string, object?> Order => new() { ["revenue"] = 10.0 };

    [Test]
    public async Task Cart_abandonment_fires_when_the_clock_passes_the_due_time_on_an_idle_pipeline()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, s_tick,
            triggers: Trigger.CartAbandonment());

        // The event's own timestamp does not matter in processing time: the clock does.
        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0.AddDays(-3)));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromMinutes(59));
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "nothing is sent before the hour is up");

        time.Advance(TimeSpan.FromMinutes(1));
        await sink.WaitForAsync(1);

        var intent = sink.Intents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(intent.SendKey, Is.EqualTo("cart_abandonment:u1:1"));
            Assert.That(intent.UserId, Is.EqualTo("u1"));
            Assert.That(intent.EnteredAt, Is.EqualTo(TestEvents.T0));
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0.AddHours(1)));
            Assert.That(intent.Template, Is.EqualTo("cart_abandonment"));
            Assert.That(intent.Reasons[^1], Is.EqualTo(TriggerReasons.Fired));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 0L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task A_product_added_half_an_hour_later_moves_the_send_by_half_an_hour()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, s_tick,
            triggers: Trigger.CartAbandonment());

        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromMinutes(30));
        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p2"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromMinutes(59));
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "the first due time no longer holds");

        time.Advance(TimeSpan.FromMinutes(1));
        await sink.WaitForAsync(1);

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Single().Due, Is.EqualTo(TestEvents.T0.AddMinutes(90)));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 1L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task An_order_before_the_due_time_means_nothing_is_sent()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, s_tick,
            triggers: Trigger.CartAbandonment());

        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        await pipeline.IngestAsync(TestEvents.OrderCompleted("u1", Order));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromHours(2));
        await pipeline.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents, Is.Empty);
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((1L, 0L, 1L, 0L, 0L)));
        });
    }

    [Test]
    public async Task A_second_abandonment_the_same_day_is_suppressed_and_one_a_day_later_is_sent()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, s_tick,
            triggers: Trigger.CartAbandonment());

        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromHours(1));
        await sink.WaitForAsync(1);

        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p2"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromHours(1));
        await pipeline.FlushAsync();
        Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((2L, 0L, 0L, 1L, 1L)), "due 1 hour after the first send");

        time.Advance(TimeSpan.FromHours(22));
        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p3"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromHours(1));
        await sink.WaitForAsync(2);

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[]
            {
                ("cart_abandonment:u1:1", TestEvents.T0.AddHours(1)),
                ("cart_abandonment:u1:3", TestEvents.T0.AddHours(25)),
            }));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name), Is.EqualTo((3L, 0L, 0L, 1L, 2L)));
        });
    }

    [Test]
    public async Task Timers_of_many_users_on_idle_shards_all_fire_when_the_clock_passes_them()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, s_tick, shardCount: 4,
            triggers: Trigger.CartAbandonment());

        for (var i = 0; i < 10; i++)
        {
            await pipeline.IngestAsync(TestEvents.ProductAdded("user-" + i, "p1"));
            await pipeline.FlushAsync();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        time.Advance(TimeSpan.FromHours(1));
        await sink.WaitForAsync(10);
        await pipeline.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.UserId), Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => "user-" + i)));
            Assert.That(sink.Intents.Select(i => i.Due), Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => TestEvents.T0.AddHours(1).AddSeconds(i))));
            Assert.That(TriggerTestKit.CountsOf(pipeline, Name).Fired, Is.EqualTo(10));
        });
    }
}
