using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Durability;

/// <summary>
/// A crash in the middle of a checkpoint leaves a newer checkpoint folder that is not complete: recovery falls back to
/// the last complete checkpoint and replays the ingest log from its position.
/// </summary>
public class IncompleteCheckpointTests
{
    private static readonly string[] s_users = ["ada", "bob", "cyd", "dee"];

    [Test]
    public async Task A_torn_newer_checkpoint_is_ignored_and_the_log_is_replayed_from_the_last_complete_one(
        [Values] bool emptyFiles)
    {
        using var directory = new TempDirectory();
        var before = DurabilityKit.Workload(s_users, 3, 0);
        var after = DurabilityKit.Workload(s_users, 2, 1000);
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit)))
        {
            await pipeline.IngestBatchAsync(before);
            await pipeline.CheckpointAsync();
            await DurabilityKit.IngestOneByOneAsync(pipeline, after);
            await pipeline.AbandonAsync();
        }

        TearANewerCheckpoint(Path.Combine(directory.Path, "checkpoints"), emptyFiles);

        var reference = await DurabilityKit.ReferenceAsync(DurabilityMode.GroupCommit, [.. before, .. after], withTrigger: false);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit));
        Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(reference.Profiles));
    }

    [Test]
    public async Task A_crash_during_the_very_first_checkpoint_recovers_the_whole_ingest_log([Values] bool emptyFiles)
    {
        using var directory = new TempDirectory();
        var events = DurabilityKit.Workload(s_users, 3, 0);
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit)))
        {
            await DurabilityKit.IngestOneByOneAsync(pipeline, events);
            await pipeline.AbandonAsync();
        }

        // The first checkpoint was being written when the process died: its folders exist, its metadata is not complete.
        // The log was not truncated (that happens only after a checkpoint stands), so it still holds every event.
        var token = Guid.NewGuid().ToString();
        var checkpoints = Path.Combine(directory.Path, "checkpoints");
        File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(checkpoints, "index-checkpoints", token)).FullName, "ht.dat.0"),
            emptyFiles ? [] : new byte[4096]);
        File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(checkpoints, "cpr-checkpoints", token)).FullName, "info.dat.0"),
            emptyFiles ? [] : new byte[512]);

        var reference = await DurabilityKit.ReferenceAsync(DurabilityMode.GroupCommit, events, withTrigger: false);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit));
        Assert.That(await DurabilityKit.ProfilesAsync(restarted), Is.EqualTo(reference.Profiles));
    }

    // What a kill while FASTER writes a checkpoint leaves: new token folders, as the complete ones have, with files that
    // are empty or hold garbage, and newer than the complete ones.
    private static void TearANewerCheckpoint(string checkpoints, bool emptyFiles)
    {
        var token = Guid.NewGuid().ToString();
        foreach (var kind in new[] { "cpr-checkpoints", "index-checkpoints" })
        {
            var complete = Directory.GetDirectories(Path.Combine(checkpoints, kind)).Single();
            var torn = Directory.CreateDirectory(Path.Combine(checkpoints, kind, token));
            foreach (var file in Directory.GetFiles(complete))
            {
                var target = Path.Combine(torn.FullName, Path.GetFileName(file));
                File.WriteAllBytes(target, emptyFiles ? [] : Enumerable.Range(0, 512).Select(i => (byte)(i * 31)).ToArray());
                File.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddMinutes(1));
            }

            Directory.SetCreationTimeUtc(torn.FullName, DateTime.UtcNow.AddMinutes(1));
            Directory.SetLastWriteTimeUtc(torn.FullName, DateTime.UtcNow.AddMinutes(1));
        }
    }
}
