using Microsoft.Extensions.Time.Testing;
using Personalization.Events;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>Pending trigger instances live in the store: they survive a stop and a reopen, also with another shard count.</summary>
public class TriggerDurabilityTests
{
    private const string Name = Trigger.CartAbandonmentName;

    [Test]
    public async Task A_pending_cart_abandonment_fires_exactly_once_after_the_pipeline_is_reopened_in_event_time()
    {
        using var directory = new TempDirectory();
        await using (var first = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: Trigger.CartAbandonment()))
        {
            await first.IngestBatchAsync(
            [
                TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("u1", "p2", at: TestEvents.T0.AddMinutes(15)),
            ]);
            await first.FlushAsync();
            Assert.That(TriggerTestKit.CountsOf(first, Name), Is.EqualTo((1L, 1L, 0L, 0L, 0L)));
        }

        var sink = new TriggerSendRecorder();
        await using var second = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());
        await second.IngestAsync(TestEvents.Page("u1", at: TestEvents.T0.AddHours(2)));
        await second.FlushAsync();
        await second.CompleteReplayAsync();

        var intent = sink.Intents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(intent.SendKey, Is.EqualTo("cart_abandonment:u1:1"));
            Assert.That(intent.EnteredAt, Is.EqualTo(TestEvents.T0));
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0.AddMinutes(75)), "the restarted due time was kept");
            Assert.That(intent.Reasons, Has.Some.StartsWith(TriggerReasons.Restarted));
            Assert.That(TriggerTestKit.CountsOf(second, Name), Is.EqualTo((0L, 0L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task A_pending_cart_abandonment_fires_exactly_once_after_the_pipeline_is_reopened_in_processing_time()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var tick = TimeSpan.FromMinutes(1);
        await using (var first = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, null, time, tick,
            triggers: Trigger.CartAbandonment()))
        {
            await first.IngestAsync(TestEvents.ProductAdded("u1", "p1"));
            await first.FlushAsync();
            time.Advance(TimeSpan.FromMinutes(30));
            await first.FlushAsync();
        }

        var sink = new TriggerSendRecorder();
        await using var second = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, tick,
            triggers: Trigger.CartAbandonment());
        time.Advance(TimeSpan.FromMinutes(29));
        await second.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "not due yet");

        time.Advance(TimeSpan.FromMinutes(1));
        await sink.WaitForAsync(1);
        time.Advance(TimeSpan.FromHours(2));
        await second.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[] { ("cart_abandonment:u1:1", TestEvents.T0.AddHours(1)) }));
            Assert.That(TriggerTestKit.CountsOf(second, Name), Is.EqualTo((0L, 0L, 0L, 0L, 1L)));
        });
    }

    [Test]
    public async Task A_pending_instance_cancelled_after_the_reopen_is_not_sent()
    {
        using var directory = new TempDirectory();
        await using (var first = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: Trigger.CartAbandonment()))
        {
            await first.IngestAsync(TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0));
            await first.FlushAsync();
        }

        var sink = new TriggerSendRecorder();
        await using var second = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());
        await second.IngestAsync(TestEvents.OrderCompleted("u1", new Dictionary<string, object?> { ["revenue"] = 5.0 }, TestEvents.T0.AddMinutes(30)));
        await second.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents, Is.Empty);
            Assert.That(TriggerTestKit.CountsOf(second, Name), Is.EqualTo((0L, 0L, 1L, 0L, 0L)));
        });
    }

    [Test]
    public async Task The_24_hour_limit_holds_across_a_reopen()
    {
        using var directory = new TempDirectory();
        await using (var first = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: Trigger.CartAbandonment()))
        {
            await first.IngestAsync(TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0));
            await first.CompleteReplayAsync();
            Assert.That(TriggerTestKit.CountsOf(first, Name).Fired, Is.EqualTo(1));
        }

        var sink = new TriggerSendRecorder();
        await using var second = await TriggerTestKit.StartAsync(directory.Path, sink, triggers: Trigger.CartAbandonment());
        await second.IngestAsync(TestEvents.ProductAdded("u1", "p2", at: TestEvents.T0.AddHours(3)));
        await second.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents, Is.Empty);
            Assert.That(TriggerTestKit.CountsOf(second, Name), Is.EqualTo((1L, 0L, 0L, 1L, 0L)));
        });
    }

    [TestCase(2, 3)]
    [TestCase(3, 2)]
    [TestCase(4, 1)]
    [TestCase(1, 4)]
    public async Task Pending_timers_fire_exactly_once_after_a_reopen_with_another_shard_count(int before, int after)
    {
        using var directory = new TempDirectory();
        var users = Enumerable.Range(0, 24).Select(i => "user-" + i).ToArray();
        // One user per second: no two users share a timer bucket.
        await StartCartsAsync(directory.Path, before, users.Select((user, i) => TestEvents.ProductAdded(user, "p1", at: TestEvents.T0.AddSeconds(i))));

        var sink = new TriggerSendRecorder();
        await using var reopened = await TriggerTestKit.StartAsync(directory.Path, sink, after, Trigger.CartAbandonment());
        await reopened.IngestBatchAsync([.. users.Select(user => TestEvents.Page(user, at: TestEvents.T0.AddHours(2)))]);
        await reopened.FlushAsync();
        await reopened.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.EquivalentTo(users.Select(user => $"cart_abandonment:{user}:1")));
            Assert.That(sink.Intents.Select(i => i.Due), Is.EquivalentTo(users.Select((_, i) => TestEvents.T0.AddHours(1).AddSeconds(i))));
            Assert.That(TriggerTestKit.CountsOf(reopened, Name), Is.EqualTo((0L, 0L, 0L, 0L, 24L)));
        });
    }

    [Test]
    public async Task Pending_timers_fire_exactly_once_in_processing_time_after_a_reopen_with_another_shard_count()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var tick = TimeSpan.FromMinutes(1);
        var users = Enumerable.Range(0, 12).Select(i => "user-" + i).ToArray();
        await using (var first = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, null, time, tick, shardCount: 4,
            triggers: Trigger.CartAbandonment()))
        {
            foreach (var user in users)
            {
                await first.IngestAsync(TestEvents.ProductAdded(user, "p1"));
                await first.FlushAsync();
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var sink = new TriggerSendRecorder();
        await using var second = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, tick, shardCount: 1,
            triggers: Trigger.CartAbandonment());
        time.Advance(TimeSpan.FromHours(1));
        await sink.WaitForAsync(users.Length);
        time.Advance(TimeSpan.FromHours(1));
        await second.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.EquivalentTo(users.Select(user => $"cart_abandonment:{user}:1")));
            Assert.That(TriggerTestKit.CountsOf(second, Name), Is.EqualTo((0L, 0L, 0L, 0L, 12L)));
        });
    }

    [TestCase(4, 1)]
    [TestCase(2, 4)]
    public async Task Pending_timers_due_in_the_same_second_fire_exactly_once_after_a_reopen_with_another_shard_count(int before, int after)
    {
        await AssertSameSecondTimersSurviveReshardingAsync(before, after);
    }

    [TestCase(2, 3)]
    [TestCase(3, 2)]
    public async Task Pending_timers_due_in_the_same_second_fire_exactly_once_after_a_reopen_with_a_coprime_shard_count(int before, int after)
    {
        await AssertSameSecondTimersSurviveReshardingAsync(before, after);
    }

    [TestCase(3, 5, 2)]
    [TestCase(5, 3, 7)]
    [TestCase(7, 2, 1)]
    public async Task Pending_timers_of_many_users_fire_exactly_once_after_two_reopens_with_changing_shard_counts(int first, int second, int third)
    {
        using var directory = new TempDirectory();
        // 120 users over 4 seconds: every bucket holds users of several shards, whatever the shard count.
        var users = Enumerable.Range(0, 120).Select(i => "user-" + i).ToArray();
        await StartCartsAsync(directory.Path, first, users.Select((user, i) => TestEvents.ProductAdded(user, "p1", at: TestEvents.T0.AddSeconds(i % 4))));
        await using (var middle = await TriggerTestKit.StartAsync(directory.Path, sink: null, second, Trigger.CartAbandonment()))
        {
            // Half of the users come back and move their due time: those timers are written on the new shards.
            await middle.IngestBatchAsync([.. users.Where((_, i) => i % 2 == 0).Select(user => TestEvents.ProductAdded(user, "p2", at: TestEvents.T0.AddMinutes(10)))]);
            await middle.FlushAsync();
            Assert.That(TriggerTestKit.CountsOf(middle, Name), Is.EqualTo((0L, 60L, 0L, 0L, 0L)));
        }

        var sink = new TriggerSendRecorder();
        await using (var last = await TriggerTestKit.StartAsync(directory.Path, sink, third, Trigger.CartAbandonment()))
        {
            await last.CompleteReplayAsync();
            Assert.Multiple(() =>
            {
                Assert.That(sink.Intents.Select(i => i.SendKey), Is.EquivalentTo(users.Select(user => $"cart_abandonment:{user}:1")));
                Assert.That(sink.Intents.Where(i => i.Due == TestEvents.T0.AddMinutes(70)).Count(), Is.EqualTo(60));
                Assert.That(TriggerTestKit.CountsOf(last, Name), Is.EqualTo((0L, 0L, 0L, 0L, 120L)));
            });
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path, liveOnly: false);
        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.Empty);
            Assert.That(buckets, Is.Zero);
        });
    }

    private static async Task AssertSameSecondTimersSurviveReshardingAsync(int before, int after)
    {
        using var directory = new TempDirectory();
        var users = Enumerable.Range(0, 24).Select(i => "user-" + i).ToArray();
        await StartCartsAsync(directory.Path, before, users.Select(user => TestEvents.ProductAdded(user, "p1", at: TestEvents.T0)));

        var sink = new TriggerSendRecorder();
        await using (var reopened = await TriggerTestKit.StartAsync(directory.Path, sink, after, Trigger.CartAbandonment()))
        {
            await reopened.CompleteReplayAsync();
            Assert.Multiple(() =>
            {
                Assert.That(sink.Intents.Select(i => i.SendKey), Is.EquivalentTo(users.Select(user => $"cart_abandonment:{user}:1")));
                Assert.That(TriggerTestKit.CountsOf(reopened, Name), Is.EqualTo((0L, 0L, 0L, 0L, 24L)));
            });
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path);
        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.Empty, "no instance is left pending");
            Assert.That(buckets, Is.Zero, "no timer bucket is left");
        });
    }

    private static async Task StartCartsAsync(string dataDirectory, int shardCount, IEnumerable<SegmentEvent> events)
    {
        await using var pipeline = await TriggerTestKit.StartAsync(dataDirectory, sink: null, shardCount, Trigger.CartAbandonment());
        await pipeline.IngestBatchAsync([.. events]);
        await pipeline.FlushAsync();
        Assert.That(TriggerTestKit.CountsOf(pipeline, Name).Fired, Is.Zero);
    }
}
