using Personalization.Ingest;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class StopCancelledTests
{
    [Test]
    public async Task A_stop_cancelled_while_draining_still_applies_and_keeps_every_accepted_event()
    {
        using var directory = new TempDirectory();
        using var gate = new GatedEvaluator();
        var options = TestPipelines.Options(directory.Path, shardCount: 1, gate);
        options.ChannelCapacity = 16;
        var pipeline = await TestPipelines.StartAsync(options);
        var ingest = pipeline.IngestBatchAsync(Enumerable.Range(0, 20).Select(i => TestEvents.Track("u1", "Clicked", TestEvents.At(i))).ToArray()).AsTask();
        await gate.Entered.WaitAsync(TestPipelines.Timeout);

        using var cancel = new CancellationTokenSource();
        var stop = pipeline.StopAsync(cancel.Token);
        await cancel.CancelAsync();
        Assert.That(async () => await stop.WaitAsync(TestPipelines.Timeout), Throws.InstanceOf<OperationCanceledException>());

        gate.Open();
        var results = await ingest.WaitAsync(TestPipelines.Timeout);
        await pipeline.DisposeAsync();

        // Dispose waited for the drain: the directory is free and holds every accepted event. Events the batch had not
        // yet handed to the pipeline when the stop began are rejected as stopped; how many depends on how far the batch
        // got on this machine (usually 17 or more are in; at least the one held at the gate is).
        await using var reopened = await TestPipelines.StartAsync(TestPipelines.Options(directory.Path, shardCount: 1));
        var profile = await reopened.GetAsync("u1");
        var accepted = results.Count(r => r.Status == IngestStatus.Accepted);
        Assert.Multiple(() =>
        {
            Assert.That(accepted, Is.GreaterThanOrEqualTo(1));
            Assert.That(results.Where(r => r.Status != IngestStatus.Accepted).Select(r => r.ReasonCode), Is.All.EqualTo(IngestReasons.Stopped));
            Assert.That(profile?.EventCount, Is.EqualTo(accepted));
            Assert.That(gate.Applied, Is.EqualTo(accepted));
        });
    }

    [Test]
    public async Task A_second_stop_waits_for_the_first_to_finish()
    {
        using var directory = new TempDirectory();
        using var gate = new GatedEvaluator();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 1, gate);
        var ingest = pipeline.IngestAsync(TestEvents.Track("u1", "Clicked")).AsTask();
        await gate.Entered.WaitAsync(TestPipelines.Timeout);

        var first = pipeline.StopAsync();
        var second = pipeline.StopAsync();
        Assert.Multiple(() =>
        {
            Assert.That(first.IsCompleted, Is.False);
            Assert.That(second.IsCompleted, Is.False, "the second stop returned before the store was closed");
        });

        gate.Open();
        await Task.WhenAll(first, second, ingest).WaitAsync(TestPipelines.Timeout);
        Assert.That(pipeline.IsRunning, Is.False);
    }
}
