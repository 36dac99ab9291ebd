using Microsoft.Extensions.Diagnostics.HealthChecks;
using Personalization.Hosting;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Hosting;

public class PersonalizationHealthCheckTests
{
    [Test]
    public async Task A_running_pipeline_is_healthy_and_a_stopped_one_is_not()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 1);
        var check = new PersonalizationHealthCheck(pipeline);

        var running = await check.CheckHealthAsync(new HealthCheckContext());
        await pipeline.StopAsync();
        var stopped = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Multiple(() =>
        {
            Assert.That(running.Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(running.Data["ingest_queue"], Is.EqualTo(0));
            Assert.That(stopped.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(stopped.Description, Does.Contain("not running"));
        });
    }

    [Test]
    public async Task A_pipeline_whose_stage_died_is_unhealthy_with_the_failure()
    {
        using var directory = new TempDirectory();
        var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 1, evaluator: new ThrowingEvaluator());
        var check = new PersonalizationHealthCheck(pipeline);
        try
        {
            await pipeline.IngestAsync(TestEvents.Track("alice", "Clicked"));
            Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion.WaitAsync(TestPipelines.Timeout));

            var result = await check.CheckHealthAsync(new HealthCheckContext());

            Assert.Multiple(() =>
            {
                Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
                Assert.That(result.Exception, Is.InstanceOf<PipelineFaultedException>());
                Assert.That(result.Description, Does.Contain("shard-0"));
            });
        }
        finally
        {
            Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.StopAsync().WaitAsync(TestPipelines.Timeout));
            await pipeline.DisposeAsync();
        }
    }

    [Test]
    public async Task A_pipeline_whose_ingest_queue_is_nearly_full_is_degraded()
    {
        using var directory = new TempDirectory();
        using var gate = new GatedEvaluator();
        var options = TestPipelines.Options(directory.Path, shardCount: 1, evaluator: gate);
        options.ChannelCapacity = 16;
        await using var pipeline = await TestPipelines.StartAsync(options);
        var check = new PersonalizationHealthCheck(pipeline);

        // The shard holds the first event at the gate; its queue, the commit stage, the dedupe stage, then the ingest queue fill up.
        var pending = Enumerable.Range(0, 128).Select(i => pipeline.IngestAsync(TestEvents.Track("u" + i, "Clicked")).AsTask()).ToList();
        await gate.Entered.WaitAsync(TestPipelines.Timeout);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (pipeline.IngestQueueDepth < 15 && waited.Elapsed < TestPipelines.Timeout)
        {
            await Task.Yield();
        }

        var result = await check.CheckHealthAsync(new HealthCheckContext());
        gate.Open();
        await Task.WhenAll(pending).WaitAsync(TestPipelines.Timeout);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(result.Description, Does.Contain("nearly full"));
    }

    private sealed class ThrowingEvaluator : ITriggerEvaluator
    {
        public void OnEvent(TriggerEventContext context) => throw new OutOfMemoryException("simulated fatal error");

        public void OnClock(TriggerClockContext context)
        {
        }
    }
}
