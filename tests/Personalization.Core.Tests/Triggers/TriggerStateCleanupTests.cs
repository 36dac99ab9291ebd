using Microsoft.Extensions.Time.Testing;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>An instance that fired or was cancelled leaves no instance record and no timer bucket behind in the store.</summary>
public class TriggerStateCleanupTests
{
    private static Dictionary<string, object?> Order => new() { ["revenue"] = 10.0 };

    [Test]
    public async Task A_pending_instance_is_stored_with_its_timer_until_it_is_decided()
    {
        using var directory = new TempDirectory();
        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: Trigger.CartAbandonment()))
        {
            await pipeline.IngestBatchAsync(
            [
                TestEvents.ProductAdded("u1", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("u2", "p1", at: TestEvents.T0.AddMinutes(5)),
            ]);
            await pipeline.FlushAsync();
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.EqualTo(new[] { "cart_abandonment/u1", "cart_abandonment/u2" }));
            Assert.That(buckets, Is.EqualTo(2), "one timer bucket per due second");
        });
    }

    [Test]
    public async Task Restarts_to_a_later_due_time_write_no_timer_bucket_and_the_instance_fires_once_at_the_last_due_time()
    {
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment()))
        {
            // One entry and twenty restarts, a minute apart: the timer stays filed under the first due time.
            for (var minute = 0; minute <= 20; minute++)
            {
                await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p" + minute.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    at: TestEvents.T0.AddMinutes(minute)));
            }

            await pipeline.FlushAsync();
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path, liveOnly: false);
        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.EqualTo(new[] { "cart_abandonment/u1" }));
            Assert.That(buckets, Is.EqualTo(1), "one bucket: the restarts only moved the due time in the instance record");
        });

        // Past the first due time the instance is filed again under its real one, and fires there, once.
        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount: 1, triggers: Trigger.CartAbandonment()))
        {
            await pipeline.IngestAsync(TestEvents.Page("u2", at: TestEvents.T0.AddMinutes(70)));
            await pipeline.FlushAsync();
            Assert.That(sink.Intents, Is.Empty, "not due at the first due time any more");

            await pipeline.IngestAsync(TestEvents.Page("u2", at: TestEvents.T0.AddMinutes(81)));
            await pipeline.FlushAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[] { ("cart_abandonment:u1:1", TestEvents.T0.AddMinutes(80)) }));
        });
    }

    [Test]
    public async Task Fired_restarted_and_cancelled_instances_leave_nothing_behind_after_a_replay()
    {
        using var directory = new TempDirectory();
        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink: null, shardCount: 2,
            Trigger.CartAbandonment(), Trigger.BrowseAbandonment(), Trigger.PostPurchase()))
        {
            await pipeline.IngestBatchAsync(
            [
                TestEvents.ProductAdded("fired", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("restarted", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("cancelled", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("emptied", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("suppressed", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("restarted", "p2", at: TestEvents.T0.AddMinutes(10)),
                TestEvents.OrderCompleted("cancelled", Order, TestEvents.T0.AddMinutes(10)),
                TestEvents.ProductRemoved("emptied", "p1", at: TestEvents.T0.AddMinutes(10)),
                TestEvents.ProductAdded("suppressed", "p2", at: TestEvents.T0.AddHours(2)),
            ]);
            await pipeline.CompleteReplayAsync();
            var counts = TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName);
            Assert.That(counts, Is.EqualTo((6L, 1L, 2L, 1L, 3L)));
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.Empty);
            Assert.That(buckets, Is.Zero);
        });
    }

    [Test]
    public async Task Decided_instances_leave_nothing_behind_once_the_event_time_clock_passed_them()
    {
        using var directory = new TempDirectory();
        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink: null, shardCount: 1, triggers: Trigger.CartAbandonment()))
        {
            await pipeline.IngestBatchAsync(
            [
                TestEvents.ProductAdded("fired", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("restarted", "p1", at: TestEvents.T0),
                TestEvents.ProductAdded("cancelled", "p1", at: TestEvents.T0),
                TestEvents.OrderCompleted("cancelled", Order, TestEvents.T0.AddMinutes(10)),
                TestEvents.ProductAdded("restarted", "p2", at: TestEvents.T0.AddMinutes(10).AddMilliseconds(500)),
                TestEvents.Page("anyone", at: TestEvents.T0.AddHours(3)),
            ]);
            await pipeline.FlushAsync();
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName), Is.EqualTo((3L, 1L, 1L, 0L, 2L)));
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.Empty);
            Assert.That(buckets, Is.Zero, "the buckets of the cancelled and the restarted instance went when their second passed");
        });
    }

    [Test]
    public async Task Decided_instances_leave_nothing_behind_once_the_processing_time_clock_passed_them()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using (var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, TimeSpan.FromMinutes(1),
            shardCount: 2, triggers: Trigger.CartAbandonment()))
        {
            await pipeline.IngestBatchAsync(
            [
                TestEvents.ProductAdded("fired", "p1"),
                TestEvents.ProductAdded("cancelled", "p1"),
            ]);
            await pipeline.FlushAsync();
            time.Advance(TimeSpan.FromMinutes(5));
            await pipeline.IngestAsync(TestEvents.OrderCompleted("cancelled", Order));
            await pipeline.FlushAsync();
            time.Advance(TimeSpan.FromHours(2));
            await sink.WaitForAsync(1);
            await pipeline.FlushAsync();
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.UserId), Is.EqualTo(new[] { "fired" }));
            Assert.That(instances, Is.Empty);
            Assert.That(buckets, Is.Zero);
        });
    }

    [Test]
    public async Task After_every_timer_was_decided_the_stores_scan_finds_no_trigger_state()
    {
        using var directory = new TempDirectory();
        await using (var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink: null, shardCount: 4, triggers: Trigger.CartAbandonment()))
        {
            await pipeline.IngestBatchAsync([.. Enumerable.Range(0, 24).Select(i => TestEvents.ProductAdded("user-" + i, "p1", at: TestEvents.T0))]);
            await pipeline.CompleteReplayAsync();
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName).Fired, Is.EqualTo(24));
        }

        var (instances, buckets) = await TriggerTestKit.StoredTriggerStateAsync(directory.Path, liveOnly: false);

        Assert.Multiple(() =>
        {
            Assert.That(instances, Is.Empty);
            Assert.That(buckets, Is.Zero);
        });
    }
}
