using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Durability;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Identity;

/// <summary>Merges are replayed from the ingest log after a crash to the same result as a pipeline that never crashed.</summary>
public class IdentityMergeRecoveryTests
{
    [Test]
    public async Task Merges_after_the_last_checkpoint_are_redone_exactly_after_a_crash()
    {
        using var directory = new TempDirectory();
        var (before, after) = Input();
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit, new InMemorySendIntentSink())))
        {
            await pipeline.IngestBatchAsync(before);
            await pipeline.CheckpointAsync();
            var acknowledged = await DurabilityKit.IngestOneByOneAsync(pipeline, after);
            Assert.That(acknowledged.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            await pipeline.AbandonAsync();
        }

        var reference = await DurabilityKit.ReferenceAsync(DurabilityMode.GroupCommit, [.. before, .. after], withTrigger: true);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit, new InMemorySendIntentSink()));

        var profiles = await DurabilityKit.ProfilesAsync(restarted);
        var pending = await DurabilityKit.PendingAsync(restarted);
        Assert.Multiple(() =>
        {
            Assert.That(profiles, Is.EqualTo(reference.Profiles));
            Assert.That(profiles.Select(p => p.Split(':')[0]), Is.EqualTo(new[] { "user-0", "user-1", "user-2", "user-3", "user-4", "user-5" }),
                "every anonymous profile was merged");
            Assert.That(pending, Is.EqualTo(reference.Pending));
            Assert.That(pending.Select(p => p.UserId).Distinct(), Is.EquivalentTo(new[] { "user-0", "user-1", "user-2", "user-3", "user-4", "user-5" }),
                "the anonymous carts' timers followed their users");
        });
    }

    // Six anonymous visitors fill carts; three identify before the checkpoint and three after, then browse on as before.
    private static (List<SegmentEvent> Before, List<SegmentEvent> After) Input()
    {
        var before = new List<SegmentEvent>();
        var after = new List<SegmentEvent>();
        for (var i = 0; i < 6; i++)
        {
            var anonymous = "anon-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var user = "user-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var target = i < 3 ? before : after;
            before.Add(Anonymous(anonymous, EcommerceEvents.ProductAdded, TestEvents.At(i)));
            target.Add(TestEvents.Identify(user, new Dictionary<string, object?> { ["email"] = user + "@example.com" }, TestEvents.At(10 + i), anonymous));
            after.Add(Anonymous(anonymous, EcommerceEvents.ProductAdded, TestEvents.At(20 + i)));
        }

        return (before, after);
    }

    private static SegmentEvent Anonymous(string anonymousId, string name, DateTimeOffset at) => new()
    {
        MessageId = TestEvents.NewId(),
        Type = SegmentEventType.Track,
        AnonymousId = anonymousId,
        Event = name,
        Timestamp = at,
        Properties = new Dictionary<string, object?> { ["product_id"] = "p-" + anonymousId },
    };
}
