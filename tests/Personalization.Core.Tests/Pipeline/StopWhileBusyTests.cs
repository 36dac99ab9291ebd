using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class StopWhileBusyTests
{
    private static PersonalizationOptions GatedOptions(string directory, GatedEvaluator gate)
    {
        var options = TestPipelines.Options(directory, shardCount: 1, gate);
        options.ChannelCapacity = 16;
        return options;
    }

    [Test]
    public async Task Stopping_while_producers_wait_rejects_their_events_as_stopped_and_applies_every_accepted_one()
    {
        using var directory = new TempDirectory();
        using var gate = new GatedEvaluator();
        var options = GatedOptions(directory.Path, gate);
        var pipeline = await TestPipelines.StartAsync(options);

        // One batch far larger than the queues: part of it is taken, the rest waits for room.
        var batch = Enumerable.Range(0, 200).Select(i => TestEvents.Track("u1", "Clicked", TestEvents.At(i))).ToArray();
        var ingest = pipeline.IngestBatchAsync(batch).AsTask();
        await gate.Entered.WaitAsync(TestPipelines.Timeout);

        var stop = pipeline.StopAsync();
        Assert.That(stop.IsCompleted, Is.False, "stop drains the queues first");
        gate.Open();
        await stop.WaitAsync(TestPipelines.Timeout);
        var results = await ingest.WaitAsync(TestPipelines.Timeout);
        await pipeline.DisposeAsync();

        var accepted = results.Count(r => r.Status == IngestStatus.Accepted);
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.AnyOf(IngestStatus.Accepted, IngestStatus.Rejected));
            Assert.That(results.Where(r => r.Status == IngestStatus.Rejected).Select(r => r.ReasonCode), Is.All.EqualTo(IngestReasons.Stopped));
            Assert.That(results.Take(accepted).Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted), "the accepted events are a prefix of the batch");
            Assert.That(accepted, Is.GreaterThan(0).And.LessThan(batch.Length));
        });

        await using var reopened = await TestPipelines.StartAsync(TestPipelines.Options(directory.Path, shardCount: 1));
        Assert.That((await reopened.GetAsync("u1"))!.EventCount, Is.EqualTo(accepted), "every accepted event was applied, and nothing else");
    }

    [Test]
    public async Task A_cancelled_wait_for_room_throws_and_takes_nothing()
    {
        using var directory = new TempDirectory();
        using var gate = new GatedEvaluator();
        await using var pipeline = await TestPipelines.StartAsync(GatedOptions(directory.Path, gate));
        var filler = pipeline.IngestBatchAsync(Enumerable.Range(0, 100).Select(i => TestEvents.Track("u1", "Clicked", TestEvents.At(i))).ToArray()).AsTask();
        await gate.Entered.WaitAsync(TestPipelines.Timeout);
        // The filler is still writing when the gate is entered: the next call only waits for room once the queue is full.
        Assert.That(SpinWait.SpinUntil(() => pipeline.IngestQueueDepth == 16, TestPipelines.Timeout), Is.True, "the ingest queue never filled up");

        using var cancel = new CancellationTokenSource();
        var waiting = pipeline.IngestAsync(TestEvents.Track("u2", "Clicked", TestEvents.At(0)), cancel.Token).AsTask();
        Assert.That(waiting.IsCompleted, Is.False);
        await cancel.CancelAsync();

        Assert.That(async () => await waiting.WaitAsync(TestPipelines.Timeout), Throws.InstanceOf<OperationCanceledException>());
        gate.Open();
        var filled = await filler.WaitAsync(TestPipelines.Timeout);
        await pipeline.FlushAsync();

        var u2 = await pipeline.GetAsync("u2");
        Assert.Multiple(() =>
        {
            Assert.That(filled.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            Assert.That(u2, Is.Null, "the cancelled event was not taken");
        });
    }
}
