using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class BackPressureTests
{
    private const int Capacity = 16;

    // With one shard held at the gate: one event in the evaluator, a full shard queue, and the one event the dedupe
    // stage has accepted and holds while it waits for room in the shard's queue.
    private const int AcceptedWhileHeld = 1 + Capacity + 1;

    private static PersonalizationOptions GatedOptions(string directory, GatedEvaluator gate, PipelineFullMode mode)
    {
        var options = TestPipelines.Options(directory, shardCount: 1, gate);
        options.ChannelCapacity = Capacity;
        options.FullMode = mode;
        return options;
    }

    [Test]
    public async Task In_wait_mode_ingest_waits_while_the_pipeline_is_full_and_loses_nothing()
    {
        using var directory = new TempDirectory();
        using var gate = new GatedEvaluator();
        await using var pipeline = await TestPipelines.StartAsync(GatedOptions(directory.Path, gate, PipelineFullMode.Wait));

        const int total = 100;
        var completed = 0;
        var heldBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                var result = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.At(i)));
                Assert.That(result.Status, Is.EqualTo(IngestStatus.Accepted), result.ToString());
                if (Interlocked.Increment(ref completed) == AcceptedWhileHeld)
                {
                    heldBack.TrySetResult();
                }
            }
        });

        await gate.Entered.WaitAsync(TestPipelines.Timeout);
        await heldBack.Task.WaitAsync(TestPipelines.Timeout);
        // More than the ingest queue holds: this batch has to wait for room, not just for its results.
        const int overflow = 2 * Capacity;
        var another = pipeline.IngestBatchAsync(Enumerable.Range(0, overflow).Select(i => TestEvents.Track("u2", "Clicked", TestEvents.At(i))).ToArray()).AsTask();

        Assert.Multiple(() =>
        {
            // Nothing can drain while the gate is closed: the producer is held back, not failed or dropped.
            Assert.That(producer.IsCompleted, Is.False, "the producer finished while the pipeline was full");
            Assert.That(another.IsCompleted, Is.False, "a second producer was not held back");
            Assert.That(Volatile.Read(ref completed), Is.EqualTo(AcceptedWhileHeld));
        });

        gate.Open();
        await producer.WaitAsync(TestPipelines.Timeout);
        var anotherResults = await another.WaitAsync(TestPipelines.Timeout);
        await pipeline.FlushAsync().AsTask().WaitAsync(TestPipelines.Timeout);

        var profile = await pipeline.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(anotherResults.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            Assert.That(profile!.EventCount, Is.EqualTo(total));
            Assert.That(profile.LastSeen, Is.EqualTo(TestEvents.At(total - 1)));
            Assert.That(gate.Applied, Is.EqualTo(total + overflow));
        });
    }

    [Test]
    public async Task In_reject_mode_a_full_pipeline_rejects_with_pipeline_full_and_then_keeps_working()
    {
        using var directory = new TempDirectory();
        using var gate = new GatedEvaluator();
        await using var pipeline = await TestPipelines.StartAsync(GatedOptions(directory.Path, gate, PipelineFullMode.Reject));

        var first = pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.At(0))).AsTask();
        await gate.Entered.WaitAsync(TestPipelines.Timeout);

        // Accepted calls finish only when the dedupe stage has decided, so they are kept as tasks; a rejection is immediate.
        var pending = new List<Task<IngestResult>> { first };
        IngestResult? rejection = null;
        for (var i = 1; i < 1000 && rejection is null; i++)
        {
            var call = pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.At(i)));
            if (call.IsCompleted && call.Result.Status == IngestStatus.Rejected)
            {
                rejection = call.Result;
            }
            else
            {
                pending.Add(call.AsTask());
            }
        }

        Assert.That(rejection, Is.Not.Null, "the pipeline never reported that it was full");
        Assert.Multiple(() =>
        {
            Assert.That(rejection!.Value.ReasonCode, Is.EqualTo(IngestReasons.PipelineFull));
            Assert.That(rejection.Value.Message, Does.Contain("full").And.Contain(Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(rejection.Value.MessageId, Is.Not.Null);
            Assert.That(pending, Has.Count.LessThanOrEqualTo(2 + (2 * Capacity)), "more events were taken than the queues hold");
        });

        gate.Open();
        var accepted = await Task.WhenAll(pending).WaitAsync(TestPipelines.Timeout);
        Assert.That(accepted.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));

        var after = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.At(5000))).AsTask().WaitAsync(TestPipelines.Timeout);
        await pipeline.FlushAsync().AsTask().WaitAsync(TestPipelines.Timeout);
        var profile = await pipeline.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(after.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(profile!.EventCount, Is.EqualTo(pending.Count + 1), "every accepted event is applied, and only those");
        });
    }
}
