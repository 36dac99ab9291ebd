using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Personalization.Hosting;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Durability;

/// <summary>
/// When the ingest log cannot be written: no event is acknowledged that is not durable, the failure is visible (the
/// verdict, <c>StorageFault</c>, the health check, a critical log), the stop still completes, and everything
/// acknowledged before the failure is there after a restart.
/// </summary>
public class StorageFailureTests
{
    private static readonly string[] s_users = ["ada", "bob", "cyd"];

    [Test]
    public async Task When_the_ingest_log_fails_events_are_rejected_as_storage_unavailable_and_the_acknowledged_ones_survive(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var logs = new CapturingLoggerFactory();
        var acknowledged = DurabilityKit.Workload(s_users, 4, 0);
        var refused = DurabilityKit.Workload(s_users, 2, 1000);
        FailingLogDevice? device = null;
        var options = DurabilityKit.Options(directory.Path, mode);
        options.IngestLogDeviceFactory = path => device = new FailingLogDevice(path);

        IReadOnlyList<IngestResult> before, during, batch;
        HealthCheckResult health;
        Exception? fault;
        await using (var pipeline = await DurabilityKit.StartAsync(options, loggerFactory: logs))
        {
            before = await DurabilityKit.IngestOneByOneAsync(pipeline, acknowledged);
            device!.Failing = true;
            during = await DurabilityKit.IngestOneByOneAsync(pipeline, refused.Take(3));
            batch = await pipeline.IngestBatchAsync([.. refused.Skip(3)]);
            fault = pipeline.StorageFault;
            health = await new PersonalizationHealthCheck(pipeline).CheckHealthAsync(new HealthCheckContext());
            Assert.That(async () => await pipeline.EraseUserAsync("ada"), Throws.InstanceOf<IOException>(), "an erasure is refused too");

            Assert.That(async () => await pipeline.StopAsync().WaitAsync(TestPipelines.Timeout), Throws.Nothing, "the stop completes");
        }

        Assert.Multiple(() =>
        {
            Assert.That(before.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            Assert.That(during.Concat(batch).Select(r => (r.Status, r.ReasonCode)),
                Is.All.EqualTo((IngestStatus.Rejected, (string?)IngestReasons.StorageUnavailable)));
            Assert.That(during.Concat(batch).Select(r => r.MessageId), Is.EqualTo(refused.Select(e => e.MessageId)));
            Assert.That(fault, Is.InstanceOf<IOException>());
            Assert.That(health.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(health.Description, Does.Contain("storage"));
            Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Critical).Select(e => e.Message),
                Has.Some.Contain("storage").And.Some.Contain("storage_unavailable"));
            Assert.That(device!.FailedWrites, Is.Positive);
        });

        // A restart on a working disk: what was acknowledged is there; what was refused can be sent again.
        var reference = await DurabilityKit.ReferenceAsync(mode, acknowledged, withTrigger: false);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode));
        var recovered = await DurabilityKit.ProfilesAsync(restarted);
        var retried = await restarted.IngestBatchAsync(refused);
        await restarted.FlushAsync();
        var all = await DurabilityKit.ReferenceAsync(mode, [.. acknowledged, .. refused], withTrigger: false);

        Assert.Multiple(async () =>
        {
            Assert.That(recovered, Is.EqualTo(reference.Profiles));
            Assert.That(restarted.StorageFault, Is.Null);
            Assert.That(retried.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted), "the refused events were never applied");
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(all.Profiles));
        });
    }

    [Test]
    public async Task A_storage_failure_after_a_checkpoint_keeps_the_checkpoint_and_the_acknowledged_events_after_it()
    {
        using var directory = new TempDirectory();
        var first = DurabilityKit.Workload(s_users, 3, 0);
        var second = DurabilityKit.Workload(s_users, 2, 1000);
        FailingLogDevice? device = null;
        var options = DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit);
        options.IngestLogDeviceFactory = path => device = new FailingLogDevice(path);
        await using (var pipeline = await DurabilityKit.StartAsync(options))
        {
            await pipeline.IngestBatchAsync(first);
            await pipeline.CheckpointAsync();
            await DurabilityKit.IngestOneByOneAsync(pipeline, second);
            device!.Failing = true;
            var refused = await pipeline.IngestAsync(TestEvents.Page("ada", at: TestEvents.At(5000)));
            Assert.That(refused.ReasonCode, Is.EqualTo(IngestReasons.StorageUnavailable));
            Assert.That(async () => await pipeline.CheckpointAsync(), Throws.InstanceOf<IOException>(), "no checkpoint on failed storage");
            await pipeline.AbandonAsync();
        }

        var reference = await DurabilityKit.ReferenceAsync(DurabilityMode.GroupCommit, [.. first, .. second], withTrigger: false);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit));
        Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(reference.Profiles));
    }
}
