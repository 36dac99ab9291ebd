using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Pipeline;

public class TriggerStageTests
{
    [Test]
    public async Task In_event_time_the_evaluator_sees_the_newest_event_time_minus_the_allowed_lateness()
    {
        using var directory = new TempDirectory();
        var evaluator = new RecordingEvaluator();
        var options = TestPipelines.Options(directory.Path, shardCount: 1, evaluator);
        options.AllowedLateness = TimeSpan.FromSeconds(1);
        await using var pipeline = await TestPipelines.StartAsync(options);

        await pipeline.IngestBatchAsync(
        [
            TestEvents.Track("u1", "A", TestEvents.At(0), "e1"),
            TestEvents.Track("u1", "B", TestEvents.At(10), "e2"),
            TestEvents.Track("u1", "C", TestEvents.At(5), "e3"), // late: the clock does not go back
            TestEvents.Track("u2", "D", TestEvents.At(20), "e4"),
        ]);
        await pipeline.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(evaluator.Events.Select(e => (e.MessageId, e.Now)), Is.EqualTo(new[]
            {
                ("e1", TestEvents.At(-1)),
                ("e2", TestEvents.At(9)),
                ("e3", TestEvents.At(9)),
                ("e4", TestEvents.At(19)),
            }));
            Assert.That(evaluator.Clocks.Select(c => (c.Now, c.IsFinal)), Is.EqualTo(new[]
            {
                (TestEvents.At(-1), false),
                (TestEvents.At(9), false),
                (TestEvents.At(19), false),
            }), "OnClock is called once each time the clock moves, and only then");
            Assert.That(pipeline.Clock, Is.EqualTo(TestEvents.At(19)));
        });
    }

    [Test]
    public async Task The_clock_moves_before_the_event_that_moved_it_is_evaluated()
    {
        using var directory = new TempDirectory();
        var order = new ConcurrentQueue<string>();
        var evaluator = new DelegateEvaluator(
            onEvent: c => order.Enqueue("event " + c.Event.MessageId),
            onClock: c => order.Enqueue("clock " + c.Now.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)));
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 1, evaluator);

        await pipeline.IngestBatchAsync([TestEvents.Track("u1", "A", TestEvents.At(0), "e1"), TestEvents.Track("u1", "A", TestEvents.At(3), "e2")]);
        await pipeline.FlushAsync();

        Assert.That(order, Is.EqualTo(new[] { "clock 12:00:00", "event e1", "clock 12:00:03", "event e2" }));
    }

    [Test]
    public async Task The_evaluator_sees_the_profile_before_and_after_each_event()
    {
        using var directory = new TempDirectory();
        var evaluator = new RecordingEvaluator();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 2, evaluator);

        await pipeline.IngestBatchAsync(
        [
            TestEvents.ProductAdded("u1", "p1", quantity: 2, at: TestEvents.At(0), messageId: "e1"),
            TestEvents.ProductAdded("u1", "p2", at: TestEvents.At(1), messageId: "e2"),
            TestEvents.OrderCompleted("u1", new Dictionary<string, object?> { ["revenue"] = 30.0 }, TestEvents.At(2), "e3"),
        ]);
        await pipeline.FlushAsync();

        Assert.That(evaluator.Events.Select(e => (e.MessageId, e.IsNewProfile, e.EventCountBefore, e.CartQuantityBefore, e.EventCountAfter, e.CartQuantityAfter)),
            Is.EqualTo(new (string, bool, long?, int?, long, int)[]
            {
                ("e1", true, null, null, 1, 2),
                ("e2", false, 1, 2, 2, 3),
                ("e3", false, 2, 3, 3, 0),
            }));
    }

    [Test]
    public async Task Complete_replay_tells_every_shard_that_the_replay_is_over()
    {
        using var directory = new TempDirectory();
        var evaluator = new RecordingEvaluator();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 4, evaluator);
        await pipeline.IngestBatchAsync(Enumerable.Range(0, 40).Select(i => TestEvents.Track("user-" + i, "A", TestEvents.At(i))).ToArray());

        await pipeline.CompleteReplayAsync().AsTask().WaitAsync(TestPipelines.Timeout);

        var finals = evaluator.Clocks.Where(c => c.IsFinal).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(finals.Select(c => c.Shard), Is.EquivalentTo(new[] { 0, 1, 2, 3 }));
            Assert.That(evaluator.Events, Has.Count.EqualTo(40), "every event is evaluated before the replay completes");
            Assert.That(finals.Max(c => c.Now), Is.EqualTo(TestEvents.At(39)));
        });

        // The pipeline keeps running after a replay.
        var after = await pipeline.IngestAsync(TestEvents.Track("late", "A", TestEvents.At(100)));
        Assert.That(after.Status, Is.EqualTo(IngestStatus.Accepted));
    }

    [Test]
    public async Task In_processing_time_idle_shards_see_the_clock_tick()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var expected = TestEvents.T0.AddSeconds(5);
        var ticked = new[]
        {
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var evaluator = new RecordingEvaluator
        {
            ClockObserved = c =>
            {
                if (c.Now == expected)
                {
                    ticked[c.Shard].TrySetResult();
                }
            },
        };
        var options = TestPipelines.Options(directory.Path, shardCount: 2, evaluator, ClockMode.ProcessingTime);
        options.ClockTickInterval = TimeSpan.FromSeconds(5);
        await using var pipeline = await TestPipelines.StartAsync(options, time);

        time.Advance(TimeSpan.FromSeconds(5));

        await Task.WhenAll(ticked.Select(t => t.Task)).WaitAsync(TestPipelines.Timeout);
        Assert.That(evaluator.Clocks.Where(c => c.Now > TestEvents.T0).Select(c => c.Now), Is.All.EqualTo(expected));
    }

    [Test]
    public async Task In_processing_time_events_see_the_time_providers_clock_not_their_timestamps()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0.AddDays(1));
        var evaluator = new RecordingEvaluator();
        var options = TestPipelines.Options(directory.Path, shardCount: 1, evaluator, ClockMode.ProcessingTime);
        options.ClockTickInterval = TimeSpan.FromMinutes(1);
        await using var pipeline = await TestPipelines.StartAsync(options, time);

        await pipeline.IngestAsync(TestEvents.Track("u1", "A", TestEvents.At(0), "e1"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        await pipeline.IngestAsync(TestEvents.Track("u1", "A", TestEvents.At(1), "e2"));
        await pipeline.FlushAsync();

        Assert.That(evaluator.Events.Select(e => e.Now), Is.EqualTo(new[] { TestEvents.T0.AddDays(1), TestEvents.T0.AddDays(1).AddSeconds(1) }));
    }

    [Test]
    public async Task An_evaluator_that_throws_does_not_stop_the_pipeline()
    {
        using var directory = new TempDirectory();
        var calls = 0;
        var evaluator = new DelegateEvaluator(
            onEvent: _ =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("evaluator bug");
            },
            onClock: _ => throw new InvalidOperationException("clock bug"));
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 2, evaluator);

        var results = await pipeline.IngestBatchAsync(Enumerable.Range(0, 20).Select(i => TestEvents.Track("u" + (i % 3), "A", TestEvents.At(i))).ToArray());
        await pipeline.CompleteReplayAsync().AsTask().WaitAsync(TestPipelines.Timeout);
        var late = await pipeline.IngestAsync(TestEvents.ProductAdded("u0", "p1", at: TestEvents.At(100)));
        await pipeline.FlushAsync().AsTask().WaitAsync(TestPipelines.Timeout);

        var profiles = await PipelineLifecycleTests.ScanAllAsync(pipeline);
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            Assert.That(late.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(profiles.Sum(p => p.EventCount), Is.EqualTo(21), "profile updates stand although the evaluator failed");
            Assert.That(profiles.Single(p => p.UserId == "u0").CartQuantity, Is.EqualTo(1));
            Assert.That(Volatile.Read(ref calls), Is.EqualTo(21));
        });
    }

    private sealed class DelegateEvaluator(Action<TriggerEventContext> onEvent, Action<TriggerClockContext> onClock) : ITriggerEvaluator
    {
        public void OnEvent(TriggerEventContext context) => onEvent(context);

        public void OnClock(TriggerClockContext context) => onClock(context);
    }
}
