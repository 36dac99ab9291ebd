using Microsoft.Extensions.Logging;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Durability;

/// <summary>
/// Periodic checkpoints (<see cref="PersonalizationOptions.CheckpointInterval"/>) on the pipeline's clock: each one
/// truncates the ingest log, so a recovery replays only what came after it.
/// </summary>
public class PeriodicCheckpointTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMinutes(1);
    private static readonly string[] s_users = ["ada", "bob", "cyd", "dee", "eve"];

    [TestCase(DurabilityMode.GroupCommit)]
    [TestCase(DurabilityMode.PerEvent)]
    public async Task After_a_periodic_checkpoint_a_recovery_replays_only_what_came_after_it(DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var time = new TimerWatchingTimeProvider();
        var before = DurabilityKit.Workload(s_users, 6, 0);
        var after = DurabilityKit.Workload(s_users, 1, 1000);
        await using (var pipeline = await DurabilityKit.StartAsync(Options(directory.Path, mode), time))
        {
            await time.WaitForTimerAsync(s_interval);
            await pipeline.IngestBatchAsync(before);

            // The loop waits for the next interval once the checkpoint is taken.
            time.Advance(s_interval);
            await time.WaitForTimerAsync(s_interval, count: 2);

            Assert.That((await DurabilityKit.IngestOneByOneAsync(pipeline, after)).Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            await pipeline.AbandonAsync();
        }

        var logs = new CapturingLoggerFactory();
        var reference = await DurabilityKit.ReferenceAsync(mode, [.. before, .. after], withTrigger: false);
        await using var restarted = await DurabilityKit.StartAsync(Options(directory.Path, mode), time, logs);

        Assert.Multiple(async () =>
        {
            Assert.That(Replayed(logs), Is.EqualTo(after.Count), "only the events after the periodic checkpoint are replayed");
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(reference.Profiles));
        });
    }

    [Test]
    public async Task Without_a_checkpoint_a_recovery_replays_the_whole_log()
    {
        using var directory = new TempDirectory();
        var time = new TimerWatchingTimeProvider();
        var events = DurabilityKit.Workload(s_users, 4, 0);
        await using (var pipeline = await DurabilityKit.StartAsync(Options(directory.Path, DurabilityMode.GroupCommit), time))
        {
            await time.WaitForTimerAsync(s_interval);
            await pipeline.IngestBatchAsync(events);
            time.Advance(s_interval - TimeSpan.FromSeconds(1));
            await pipeline.FlushAsync();
            await pipeline.AbandonAsync();
        }

        var logs = new CapturingLoggerFactory();
        await using var restarted = await DurabilityKit.StartAsync(Options(directory.Path, DurabilityMode.GroupCommit), time, logs);

        Assert.Multiple(async () =>
        {
            Assert.That(Replayed(logs), Is.EqualTo(events.Count), "no checkpoint was due yet");
            Assert.That(await DurabilityKit.ProfilesAsync(restarted), Has.Count.EqualTo(s_users.Length));
        });
    }

    [Test]
    public async Task Every_interval_takes_another_checkpoint()
    {
        using var directory = new TempDirectory();
        var time = new TimerWatchingTimeProvider();
        await using (var pipeline = await DurabilityKit.StartAsync(Options(directory.Path, DurabilityMode.GroupCommit), time))
        {
            for (var round = 0; round < 3; round++)
            {
                await time.WaitForTimerAsync(s_interval, count: round + 1);
                await pipeline.IngestBatchAsync(DurabilityKit.Workload(s_users, 2, round * 100));
                time.Advance(s_interval);
            }

            await time.WaitForTimerAsync(s_interval, count: 4);
            await pipeline.IngestAsync(TestEvents.Page("ada", at: TestEvents.At(5000)));
            await pipeline.AbandonAsync();
        }

        var logs = new CapturingLoggerFactory();
        await using var restarted = await DurabilityKit.StartAsync(Options(directory.Path, DurabilityMode.GroupCommit), time, logs);

        Assert.Multiple(async () =>
        {
            Assert.That(Replayed(logs), Is.EqualTo(1), "the third checkpoint holds the first three rounds");
            Assert.That((await restarted.GetAsync("ada"))!.EventCount, Is.EqualTo(7));
        });
    }

    private static PersonalizationOptions Options(string data, DurabilityMode mode)
    {
        var options = DurabilityKit.Options(data, mode);
        options.CheckpointInterval = s_interval;
        return options;
    }

    // What the start reports to the operator: "Recovery: N log entries replayed and applied ...".
    private static long Replayed(CapturingLoggerFactory logs)
    {
        var entry = logs.Entries.Single(e => e.EventId.Id == 10 && e.Level == LogLevel.Information);
        var words = entry.Message.Split(' ');
        return long.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
