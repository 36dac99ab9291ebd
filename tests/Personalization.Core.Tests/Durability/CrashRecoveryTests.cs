using Microsoft.Extensions.Time.Testing;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Durability;

/// <summary>
/// The promise of the durable modes: an event acknowledged as accepted survives a crash (here <c>AbandonAsync</c>: no
/// checkpoint, no last commit), is applied exactly once after the restart, and leaves the pipeline exactly where one that
/// never crashed would be.
/// </summary>
public class CrashRecoveryTests
{
    private static readonly string[] s_users = ["ada", "bob", "cyd", "dee", "eve", "fay"];

    [Test]
    public async Task Events_acknowledged_after_the_last_checkpoint_are_all_in_the_profiles_after_a_crash(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var (before, after) = Input();
        IReadOnlyList<string> profilesAtCrash;
        IReadOnlyList<PendingTrigger> pendingAtCrash;
        DateTimeOffset clockAtCrash;
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, new InMemorySendIntentSink())))
        {
            Assert.That((await pipeline.IngestBatchAsync(before)).Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            await pipeline.CheckpointAsync();
            var acknowledged = await DurabilityKit.IngestOneByOneAsync(pipeline, after);
            Assert.That(acknowledged.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            await pipeline.FlushAsync();
            profilesAtCrash = await DurabilityKit.ProfilesAsync(pipeline);
            pendingAtCrash = await DurabilityKit.PendingAsync(pipeline);
            clockAtCrash = pipeline.Clock;
            await pipeline.AbandonAsync();
        }

        var reference = await DurabilityKit.ReferenceAsync(mode, [.. before, .. after], withTrigger: true);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, new InMemorySendIntentSink()));

        var profiles = await DurabilityKit.ProfilesAsync(restarted);
        var pending = await DurabilityKit.PendingAsync(restarted);
        Assert.Multiple(() =>
        {
            Assert.That(profiles, Is.EqualTo(reference.Profiles), "the same profiles as a pipeline that never crashed");
            Assert.That(profiles, Is.EqualTo(profilesAtCrash), "the same profiles as just before the crash");
            Assert.That(pending, Is.EqualTo(reference.Pending).And.EqualTo(pendingAtCrash), "the same pending trigger instances");
            Assert.That(pending.Select(p => p.UserId), Is.EqualTo(new[] { "ada", "bob" }));
            Assert.That(restarted.Clock, Is.EqualTo(clockAtCrash).And.EqualTo(reference.Clock), "the event-time clock is where it was");
        });
    }

    [Test]
    public async Task Ingesting_every_event_again_after_a_crash_yields_duplicates_and_changes_nothing(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var (before, after) = Input();
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, new InMemorySendIntentSink())))
        {
            await pipeline.IngestBatchAsync(before);
            await pipeline.CheckpointAsync();
            await DurabilityKit.IngestOneByOneAsync(pipeline, after);
            await pipeline.AbandonAsync();
        }

        var sink = new InMemorySendIntentSink();
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, sink));
        var profiles = await DurabilityKit.ProfilesAsync(restarted);
        var pending = await DurabilityKit.PendingAsync(restarted);
        var clock = restarted.Clock;

        var again = await restarted.IngestBatchAsync([.. before, .. after]);
        await restarted.FlushAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(again.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Duplicate));
            Assert.That(again.Select(r => r.MessageId), Is.EqualTo(before.Concat(after).Select(e => e.MessageId)));
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(profiles));
            Assert.That(await DurabilityKit.PendingAsync(restarted), Is.EqualTo(pending));
            Assert.That(restarted.Clock, Is.EqualTo(clock));
            Assert.That(sink.Intents, Is.Empty);
        });
    }

    [Test]
    public async Task A_duplicate_newer_than_the_clock_does_not_move_the_clock_after_a_restart(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var cart = TestEvents.ProductAdded("ada", "sku-1", at: TestEvents.At(0));
        var page = TestEvents.Page("ada", at: TestEvents.At(60));
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, new InMemorySendIntentSink())))
        {
            await pipeline.IngestAsync(cart);
            await pipeline.CheckpointAsync();
            await pipeline.IngestAsync(page);
            await pipeline.AbandonAsync();
        }

        var sink = new InMemorySendIntentSink();
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, sink));
        var profile = DurabilityKit.Describe((await restarted.GetAsync("ada"))!);
        Assert.That(restarted.Clock, Is.EqualTo(TestEvents.At(60)));

        // The same messageIds, stamped ten hours later: a retrying client that re-stamps its events.
        var late = TestEvents.At(60).AddHours(10);
        var results = new[]
        {
            await restarted.IngestAsync(TestEvents.ProductAdded("ada", "sku-1", at: late, messageId: cart.MessageId)),
            await restarted.IngestAsync(TestEvents.Page("ada", at: late, messageId: page.MessageId)),
        };
        await restarted.FlushAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Duplicate));
            Assert.That(restarted.Clock, Is.EqualTo(TestEvents.At(60)), "a duplicate moves no clock");
            Assert.That(DurabilityKit.Describe((await restarted.GetAsync("ada"))!), Is.EqualTo(profile));
            Assert.That(sink.Intents, Is.Empty, "the cart timer (due an hour after the cart) did not fire on a duplicate's time");
            Assert.That((await DurabilityKit.PendingAsync(restarted)).Select(p => p.UserId), Is.EqualTo(new[] { "ada" }));
        });
    }

    [Test]
    public async Task A_trigger_timer_pending_at_the_crash_fires_once_after_the_restart(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var sinkBefore = new InMemorySendIntentSink();
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, sinkBefore)))
        {
            await pipeline.IngestAsync(TestEvents.ProductAdded("ada", "sku-1", at: TestEvents.At(0)));
            await pipeline.CheckpointAsync();
            await pipeline.IngestAsync(TestEvents.ProductAdded("bob", "sku-2", at: TestEvents.At(60)));
            await pipeline.FlushAsync();
            await pipeline.AbandonAsync();
        }

        var sink = new InMemorySendIntentSink();
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, sink));
        // In event time each shard's clock moves with its own users' events: both users come back two hours later.
        await restarted.IngestBatchAsync([TestEvents.Page("ada", at: TestEvents.T0.AddHours(2)), TestEvents.Page("bob", at: TestEvents.T0.AddHours(2))]);
        await restarted.FlushAsync();
        var afterTheHour = sink.Intents.Select(i => (i.SendKey, i.Due)).ToArray();
        await restarted.CompleteReplayAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(sinkBefore.Intents, Is.Empty, "nothing was due before the crash");
            Assert.That(afterTheHour, Is.EquivalentTo(new[]
            {
                ("cart_abandonment:ada:1", TestEvents.T0.AddHours(1)),
                ("cart_abandonment:bob:1", TestEvents.At(60).AddHours(1)),
            }));
            Assert.That(sink.Intents, Has.Count.EqualTo(2), "each fires once");
            Assert.That(await DurabilityKit.PendingAsync(restarted), Is.Empty);
        });
    }

    [Test]
    public async Task In_processing_time_an_event_replayed_after_a_crash_keeps_the_time_it_was_ingested(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        PersonalizationOptions Options(ISendIntentSink sink)
        {
            var options = DurabilityKit.Options(directory.Path, mode, sink, ClockMode.ProcessingTime);
            options.ClockTickInterval = TimeSpan.FromMinutes(1);
            return options;
        }

        await using (var pipeline = await DurabilityKit.StartAsync(Options(new InMemorySendIntentSink()), time))
        {
            await pipeline.IngestAsync(TestEvents.ProductAdded("ada", "sku-1"));
            await pipeline.FlushAsync();
            time.Advance(TimeSpan.FromMinutes(30));
            await pipeline.FlushAsync();
            await pipeline.AbandonAsync();
        }

        var sink = new TriggerSendRecorder();
        await using var restarted = await DurabilityKit.StartAsync(Options(sink), time);
        var pending = await DurabilityKit.PendingAsync(restarted);
        time.Advance(TimeSpan.FromMinutes(30));
        await sink.WaitForAsync(1);
        time.Advance(TimeSpan.FromHours(2));
        await restarted.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(pending.Select(p => (p.UserId, p.EnteredAt, p.DueAt)), Is.EqualTo(new[] { ("ada", TestEvents.T0, TestEvents.T0.AddHours(1)) }),
                "the replayed cart entered at its first ingest time, not at the restart");
            Assert.That(sink.Intents.Select(i => (i.SendKey, i.Due)), Is.EqualTo(new[] { ("cart_abandonment:ada:1", TestEvents.T0.AddHours(1)) }));
        });
    }

    [TestCase(3, 1)]
    [TestCase(2, 5)]
    public async Task A_crash_recovers_into_another_shard_count_with_the_same_profiles_and_clock(int before, int after)
    {
        using var directory = new TempDirectory();
        var (checkpointed, logged) = Input();
        DateTimeOffset clockAtCrash;
        var options = DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit, new InMemorySendIntentSink(), shardCount: before);
        await using (var pipeline = await DurabilityKit.StartAsync(options))
        {
            await pipeline.IngestBatchAsync(checkpointed);
            await pipeline.CheckpointAsync();
            await DurabilityKit.IngestOneByOneAsync(pipeline, logged);
            await pipeline.FlushAsync();
            clockAtCrash = pipeline.Clock;
            await pipeline.AbandonAsync();
        }

        var reference = await DurabilityKit.ReferenceAsync(DurabilityMode.GroupCommit, [.. checkpointed, .. logged], withTrigger: true);
        await using var restarted = await DurabilityKit.StartAsync(
            DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit, new InMemorySendIntentSink(), shardCount: after));
        var again = await restarted.IngestBatchAsync([.. checkpointed, .. logged]);

        Assert.Multiple(async () =>
        {
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(reference.Profiles));
            Assert.That(await DurabilityKit.PendingAsync(restarted), Is.EqualTo(reference.Pending));
            Assert.That(restarted.Clock, Is.EqualTo(clockAtCrash));
            Assert.That(again.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Duplicate));
        });
    }

    [Test]
    public async Task A_batch_in_group_commit_gets_one_verdict_per_event_in_order_and_its_accepted_events_survive_a_crash()
    {
        using var directory = new TempDirectory();
        var events = DurabilityKit.Workload(s_users, 6, 0);
        var repeated = events[3];
        var batch = new List<SegmentEvent>(events);
        batch.Insert(10, TestEvents.Page("ada", at: TestEvents.At(5000), messageId: repeated.MessageId));
        batch.Insert(20, TestEvents.Track("bob", "", TestEvents.At(5001)));
        IReadOnlyList<IngestResult> results;
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit)))
        {
            results = await pipeline.IngestBatchAsync(batch);
            await pipeline.AbandonAsync();
        }

        var reference = await DurabilityKit.ReferenceAsync(DurabilityMode.GroupCommit, events, withTrigger: false);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit));

        var expected = batch.Select((e, i) => i switch
        {
            10 => IngestStatus.Duplicate,
            20 => IngestStatus.Rejected,
            _ => IngestStatus.Accepted,
        });
        Assert.Multiple(async () =>
        {
            Assert.That(results, Has.Count.EqualTo(batch.Count));
            Assert.That(results.Select(r => r.Status), Is.EqualTo(expected));
            Assert.That(results.Select(r => r.MessageId), Is.EqualTo(batch.Select(e => e.MessageId)));
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(reference.Profiles));
        });
    }

    // Before the checkpoint: a history for every user. After it (only in the log at the crash): more of it, and two carts.
    private static (List<SegmentEvent> Before, List<SegmentEvent> After) Input()
    {
        var before = DurabilityKit.Workload(s_users, 4, 0);
        var after = DurabilityKit.Workload(s_users, 5, 1000);
        after.Add(TestEvents.ProductAdded("ada", "sku-1", quantity: 2, at: TestEvents.At(2000)));
        after.Add(TestEvents.ProductAdded("bob", "sku-2", at: TestEvents.At(2001)));
        return (before, after);
    }
}
