using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Durability;

/// <summary>
/// The documented promise of <see cref="DurabilityMode.None"/>: no ingest log, so a crash loses what was acknowledged
/// since the last checkpoint, and keeps everything before it.
/// </summary>
public class NoDurabilityTests
{
    private static readonly string[] s_users = ["ada", "bob", "cyd", "dee"];

    [Test]
    public async Task Without_an_ingest_log_a_crash_loses_the_events_since_the_last_checkpoint_and_keeps_those_before_it()
    {
        using var directory = new TempDirectory();
        var before = DurabilityKit.Workload(s_users, 3, 0);
        var after = DurabilityKit.Workload(s_users, 2, 1000);
        DateTimeOffset clockAtCheckpoint;
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.None)))
        {
            await pipeline.IngestBatchAsync(before);
            await pipeline.CheckpointAsync();
            clockAtCheckpoint = pipeline.Clock;
            var acknowledged = await DurabilityKit.IngestOneByOneAsync(pipeline, after);
            Assert.That(acknowledged.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            await pipeline.FlushAsync();
            await pipeline.AbandonAsync();
        }

        Assert.That(Directory.Exists(Path.Combine(directory.Path, "log")), Is.False, "mode None keeps no ingest log");
        var checkpointed = await DurabilityKit.ReferenceAsync(DurabilityMode.None, before, withTrigger: false);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.None));

        Assert.Multiple(async () =>
        {
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(checkpointed.Profiles), "exactly the checkpoint's profiles");
            Assert.That(restarted.Clock, Is.EqualTo(clockAtCheckpoint), "the clock of the checkpoint");
        });

        // The dedupe index is as of the checkpoint too: the lost events can be sent again, and count once.
        var resent = await restarted.IngestBatchAsync(after);
        var again = await restarted.IngestBatchAsync(before);
        await restarted.FlushAsync();
        var all = await DurabilityKit.ReferenceAsync(DurabilityMode.None, [.. before, .. after], withTrigger: false);
        Assert.Multiple(async () =>
        {
            Assert.That(resent.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            Assert.That(again.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Duplicate));
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(all.Profiles));
        });
    }

    [Test]
    public async Task Without_a_checkpoint_a_crash_in_mode_None_loses_everything()
    {
        using var directory = new TempDirectory();
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.None)))
        {
            await pipeline.IngestBatchAsync(DurabilityKit.Workload(s_users, 2, 0));
            await pipeline.FlushAsync();
            await pipeline.AbandonAsync();
        }

        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.None));
        Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.Empty);
    }
}
