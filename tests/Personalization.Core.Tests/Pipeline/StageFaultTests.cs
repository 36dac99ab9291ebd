using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Pipeline;

// Bad events are rejected one by one; these tests cover the other kind of failure: a stage that dies (a defect, or a
// fatal runtime error such as running out of memory). Nobody may then wait forever, and the host must hear of it.
public class StageFaultTests
{
    [Test]
    public async Task A_dead_stage_faults_the_pipeline_instead_of_hanging_its_callers()
    {
        using var directory = new TempDirectory();
        var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 1, evaluator: new FatalEvaluator("poison"));
        try
        {
            var good = await pipeline.IngestAsync(TestEvents.Track("alice", "Clicked")).AsTask().WaitAsync(TestPipelines.Timeout);
            await pipeline.FlushAsync().AsTask().WaitAsync(TestPipelines.Timeout);

            await pipeline.IngestAsync(TestEvents.Track("poison", "Clicked")).AsTask().WaitAsync(TestPipelines.Timeout);
            var fault = Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion.WaitAsync(TestPipelines.Timeout));
            var flush = Assert.ThrowsAsync<PipelineFaultedException>(async () => await pipeline.FlushAsync().AsTask().WaitAsync(TestPipelines.Timeout));
            var after = await pipeline.IngestAsync(TestEvents.Track("bob", "Clicked")).AsTask().WaitAsync(TestPipelines.Timeout);

            Assert.Multiple(() =>
            {
                Assert.That(good.Status, Is.EqualTo(IngestStatus.Accepted));
                Assert.That(fault!.Stage, Is.EqualTo("shard-0"));
                Assert.That(fault.InnerException, Is.InstanceOf<OutOfMemoryException>());
                Assert.That(flush!.Message, Does.Contain("shard-0"));
                Assert.That(after.Status, Is.EqualTo(IngestStatus.Rejected));
                Assert.That(after.ReasonCode, Is.EqualTo(IngestReasons.Stopped));
                Assert.That(after.Message, Does.Contain("shard-0 stage failed"));
            });
        }
        finally
        {
            Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.StopAsync().WaitAsync(TestPipelines.Timeout),
                "the stop reports the failure instead of swallowing it");
            await pipeline.DisposeAsync();
        }

        // What was applied before the failure was checkpointed by the stop.
        await using var reopened = await TestPipelines.StartAsync(directory.Path, shardCount: 1);
        Assert.That((await reopened.GetAsync("alice"))!.EventCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_dead_stage_stops_the_host()
    {
        using var directory = new TempDirectory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory(directory.Path)
            .UseEventTime()
            .UseTriggerEvaluator(new FatalEvaluator("poison"))
            .Configure(o =>
            {
                o.ShardCount = 1;
                o.Store = TestPipelines.SmallStore();
            }));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(TestPipelines.Timeout);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.Services.GetRequiredService<IEventIngestor>().IngestAsync(TestEvents.Track("poison", "Clicked"));

        await stopping.Task.WaitAsync(TestPipelines.Timeout);
        Assert.That(lifetime.ApplicationStopping.IsCancellationRequested, Is.True);
        Assert.ThrowsAsync<PipelineFaultedException>(() => host.StopAsync().WaitAsync(TestPipelines.Timeout));
    }

    // Throws what the shards deliberately do not catch, for one user.
    private sealed class FatalEvaluator(string victim) : ITriggerEvaluator
    {
        public void OnEvent(TriggerEventContext context)
        {
            if (context.Event.ProfileId == victim)
            {
                throw new OutOfMemoryException("simulated fatal error");
            }
        }

        public void OnClock(TriggerClockContext context)
        {
        }
    }
}
