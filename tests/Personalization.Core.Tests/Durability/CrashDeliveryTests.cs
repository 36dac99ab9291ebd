using Personalization.Delivery;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Durability;

/// <summary>
/// A recovery replays the events after the last checkpoint through the triggers again; an email they decided and sent
/// before the crash must not go out a second time.
/// </summary>
public class CrashDeliveryTests
{
    private const string AdaKey = "cart_abandonment:ada:1";

    [Test]
    public async Task An_email_sent_after_the_last_checkpoint_is_not_sent_again_when_the_replay_decides_it_again(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode)
    {
        using var directory = new TempDirectory();
        var first = new ScriptedEmailDispatcher();
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.WithDelivery(directory.Path, first, mode)))
        {
            await pipeline.IngestAsync(TestEvents.Identify("ada", new Dictionary<string, object?> { ["email"] = "ada@example.com", ["first_name"] = "Ada" }, TestEvents.At(0)));
            await pipeline.CheckpointAsync();
            await pipeline.IngestBatchAsync(
            [
                TestEvents.ProductAdded("ada", "sku-1", at: TestEvents.At(1)),
                TestEvents.Page("ada", at: TestEvents.T0.AddHours(2)),
            ]);
            await DurabilityKit.WaitUntilAsync(async () => (await pipeline.GetSendAsync(AdaKey))?.Status == SendStatus.Sent);
            await pipeline.AbandonAsync();
        }

        var second = new ScriptedEmailDispatcher();
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.WithDelivery(directory.Path, second, mode));
        await restarted.CompleteReplayAsync();
        await restarted.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Attempts.Select(a => a.SendKey), Is.EqualTo(new[] { AdaKey }));
            Assert.That(second.Attempts, Is.Empty, "the replayed decision is a duplicate of the send that went out");
            Assert.That(restarted.DeliveryCounts.Sent, Is.Zero);
        });
    }
}
