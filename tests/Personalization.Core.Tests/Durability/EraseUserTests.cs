using Personalization.DeadLetters;
using Personalization.Delivery;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Tests.DeadLetters;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Durability;

/// <summary>
/// A privacy erasure (<c>EraseUserAsync</c>): everything the engine keeps about the user goes, nothing about anyone else
/// does, a later event starts afresh, and the erasure survives a crash.
/// </summary>
public class EraseUserTests
{
    private const string AdaKey = "cart_abandonment:ada:1";
    private const string BobKey = "cart_abandonment:bob:1";

    private static Dictionary<string, object?> Email(string user) => new() { ["email"] = user + "@example.com", ["first_name"] = user };

    [Test]
    public async Task An_erased_user_has_no_profile_no_pending_trigger_and_no_decisions_and_others_are_untouched()
    {
        using var directory = new TempDirectory();
        var sink = new InMemorySendIntentSink();
        await using var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit, sink));
        await pipeline.IngestBatchAsync(History());
        await pipeline.FlushAsync();
        var bob = DurabilityKit.Describe((await pipeline.GetAsync("bob"))!);
        var bobDecisions = await pipeline.GetTriggerDecisionsAsync("bob");
        Assert.That(await pipeline.GetTriggerDecisionsAsync("ada"), Is.Not.Empty, "the trigger decided about ada before the erasure");

        await pipeline.EraseUserAsync("ada");

        Assert.Multiple(async () =>
        {
            Assert.That(await pipeline.GetAsync("ada"), Is.Null);
            Assert.That(await pipeline.GetTriggerDecisionsAsync("ada"), Is.Empty);
            Assert.That((await DurabilityKit.PendingAsync(pipeline)).Select(p => p.UserId), Is.EqualTo(new[] { "bob" }));
            Assert.That(DurabilityKit.Describe((await pipeline.GetAsync("bob"))!), Is.EqualTo(bob));
            Assert.That(await pipeline.GetTriggerDecisionsAsync("bob"), Is.EqualTo(bobDecisions));
        });

        await pipeline.CompleteReplayAsync();
        Assert.That(sink.Intents.Select(i => i.SendKey), Is.EqualTo(new[] { BobKey }), "no email is decided for the erased user");
    }

    [Test]
    public async Task An_event_after_the_erasure_starts_a_new_profile()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, DurabilityMode.GroupCommit, new InMemorySendIntentSink()));
        await pipeline.IngestBatchAsync(History());
        await pipeline.EraseUserAsync("ada");

        await pipeline.IngestAsync(TestEvents.Page("ada", "Home", TestEvents.At(500)));
        await pipeline.FlushAsync();

        var profile = (await pipeline.GetAsync("ada"))!;
        Assert.Multiple(() =>
        {
            Assert.That(profile.EventCount, Is.EqualTo(1));
            Assert.That(profile.PageViews, Is.EqualTo(1));
            Assert.That(profile.FirstSeen, Is.EqualTo(TestEvents.At(500)));
            Assert.That(profile.Traits, Is.Empty, "no trait of the erased profile comes back");
            Assert.That(profile.Cart, Is.Empty);
        });
    }

    [Test]
    public async Task An_erasure_survives_a_crash(
        [Values(DurabilityMode.GroupCommit, DurabilityMode.PerEvent)] DurabilityMode mode,
        [Values] bool checkpointAfterTheErasure)
    {
        using var directory = new TempDirectory();
        string bob;
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, new InMemorySendIntentSink())))
        {
            await pipeline.IngestBatchAsync(History());
            await pipeline.CheckpointAsync();
            await pipeline.EraseUserAsync("ada");
            if (checkpointAfterTheErasure)
            {
                await pipeline.CheckpointAsync();
            }

            bob = DurabilityKit.Describe((await pipeline.GetAsync("bob"))!);
            await pipeline.AbandonAsync();
        }

        var sink = new InMemorySendIntentSink();
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.Options(directory.Path, mode, sink));
        var ada = await restarted.GetAsync("ada");
        var adaDecisions = await restarted.GetTriggerDecisionsAsync("ada");
        var pending = await DurabilityKit.PendingAsync(restarted);
        var bobAfter = DurabilityKit.Describe((await restarted.GetAsync("bob"))!);
        await restarted.CompleteReplayAsync();
        await restarted.IngestAsync(TestEvents.Page("ada", "Home", TestEvents.At(500)));
        await restarted.FlushAsync();
        var fresh = (await restarted.GetAsync("ada"))!;

        Assert.Multiple(() =>
        {
            Assert.That(ada, Is.Null, "the erased profile did not come back with the replay");
            Assert.That(adaDecisions, Is.Empty);
            Assert.That(pending.Select(p => p.UserId), Is.EqualTo(new[] { "bob" }));
            Assert.That(bobAfter, Is.EqualTo(bob));
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.EqualTo(new[] { BobKey }));
            Assert.That((fresh.EventCount, fresh.FirstSeen), Is.EqualTo((1L, TestEvents.At(500))));
        });
    }

    [Test]
    public async Task An_erasure_removes_the_users_sends_from_the_ledger_and_dead_letters_and_survives_a_crash()
    {
        using var directory = new TempDirectory();
        var dispatcher = new ScriptedEmailDispatcher()
            .ThenFail(new EmailDispatchException("550 5.1.1 mailbox unavailable", permanent: true))
            .ThenFail(new EmailDispatchException("550 5.1.1 mailbox unavailable", permanent: true));
        await using (var pipeline = await DurabilityKit.StartAsync(DurabilityKit.WithDelivery(directory.Path, dispatcher)))
        {
            await pipeline.IngestBatchAsync(
            [
                TestEvents.Identify("ada", Email("ada"), TestEvents.At(0)),
                TestEvents.ProductAdded("ada", "sku-1", at: TestEvents.At(1)),
                TestEvents.Identify("bob", Email("bob"), TestEvents.At(2)),
                TestEvents.ProductAdded("bob", "sku-2", at: TestEvents.At(3)),
            ]);
            await pipeline.CompleteReplayAsync();
            // Both sends fail for good: ledger entries, then dead letters.
            await DurabilityKit.WaitUntilAsync(() => Task.FromResult(pipeline.DeadLetters.Statistics.Count == 2));
            Assert.That((await pipeline.GetSendAsync(AdaKey))?.Status, Is.EqualTo(SendStatus.Failed));
            await pipeline.CheckpointAsync();

            await pipeline.EraseUserAsync("ada");

            Assert.Multiple(async () =>
            {
                Assert.That(await pipeline.GetSendAsync(AdaKey), Is.Null);
                Assert.That((await pipeline.GetSendAsync(BobKey))?.Status, Is.EqualTo(SendStatus.Failed));
                Assert.That(DeadLetterUsers(pipeline), Is.EqualTo(new[] { "bob" }));
            });
            await pipeline.AbandonAsync();
        }

        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.WithDelivery(directory.Path, new ScriptedEmailDispatcher()));
        Assert.Multiple(async () =>
        {
            Assert.That(await restarted.GetSendAsync(AdaKey), Is.Null, "the ledger entry did not come back with the replay");
            Assert.That((await restarted.GetSendAsync(BobKey))?.Status, Is.EqualTo(SendStatus.Failed));
            Assert.That(DeadLetterUsers(restarted), Is.EqualTo(new[] { "bob" }));
            Assert.That(await restarted.GetAsync("ada"), Is.Null);
        });
    }

    [Test]
    public async Task A_decision_about_the_user_still_waiting_in_the_outbox_is_not_sent_after_the_erasure()
    {
        using var directory = new TempDirectory();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ScriptedEmailDispatcher().Then(token => release.Task.WaitAsync(token));
        var options = DurabilityKit.WithDelivery(directory.Path, dispatcher);
        options.Delivery.MaxConcurrency = 1;
        await using var pipeline = await DurabilityKit.StartAsync(options);
        await pipeline.IngestBatchAsync(
        [
            TestEvents.Identify("ada", Email("ada"), TestEvents.At(0)),
            TestEvents.Identify("bob", Email("bob"), TestEvents.At(0)),
            TestEvents.ProductAdded("bob", "sku-2", at: TestEvents.At(1)),
            TestEvents.ProductAdded("ada", "sku-1", at: TestEvents.At(2)),
        ]);

        // Bob's cart fires first and its send holds the only slot; ada's decision waits in the outbox behind it.
        await pipeline.IngestAsync(TestEvents.Page("bob", at: TestEvents.T0.AddHours(2)));
        await pipeline.FlushAsync();
        await DurabilityKit.WaitUntilAsync(() => Task.FromResult(dispatcher.Attempts.Count == 1));
        await pipeline.IngestAsync(TestEvents.Page("ada", at: TestEvents.T0.AddHours(2)));
        await pipeline.FlushAsync();

        await pipeline.EraseUserAsync("ada");
        release.SetResult();
        await DurabilityKit.WaitUntilAsync(async () => await pipeline.GetSendAsync(BobKey) is not null);
        await pipeline.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Attempts.Select(a => a.To), Is.EqualTo(new[] { "bob@example.com" }));
            Assert.That(pipeline.DeliveryCounts.Sent, Is.EqualTo(1));
            Assert.That(pipeline.DeliveryCounts.Skipped, Is.EqualTo(1), "ada's decision was skipped as erased");
        });
    }

    [Test]
    public async Task A_send_in_flight_during_the_erasure_leaves_no_ledger_entry_or_dead_letter_about_the_user()
    {
        using var directory = new TempDirectory();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ScriptedEmailDispatcher().Then(async token =>
        {
            await release.Task.WaitAsync(token);
            throw new EmailDispatchException("550 5.1.1 mailbox unavailable", permanent: true);
        });
        await using var pipeline = await DurabilityKit.StartAsync(DurabilityKit.WithDelivery(directory.Path, dispatcher));
        await pipeline.IngestBatchAsync(
        [
            TestEvents.Identify("ada", Email("ada"), TestEvents.At(0)),
            TestEvents.ProductAdded("ada", "sku-1", at: TestEvents.At(1)),
            TestEvents.Page("ada", at: TestEvents.T0.AddHours(2)),
        ]);
        await pipeline.FlushAsync();
        await DurabilityKit.WaitUntilAsync(() => Task.FromResult(dispatcher.Attempts.Count == 1));

        await pipeline.EraseUserAsync("ada");
        release.SetResult();
        await pipeline.StopAsync();
        var lines = DeadLetterFiles.ReadLines(directory.Path);
        await using var restarted = await DurabilityKit.StartAsync(DurabilityKit.WithDelivery(directory.Path, new ScriptedEmailDispatcher()));

        Assert.Multiple(async () =>
        {
            Assert.That(lines, Has.None.Contain("ada"), "no dead letter about the erased user (it holds her address)");
            Assert.That(await restarted.GetSendAsync(AdaKey), Is.Null, "no ledger entry about the erased user");
        });
    }

    private static IEnumerable<string?> DeadLetterUsers(PersonalizationPipeline pipeline) =>
        pipeline.DeadLetters.List(new DeadLetterQuery()).Select(d => d.UserId);

    // ada and bob each put something in their cart (a pending cart abandonment each) and browse.
    private static List<SegmentEvent> History() =>
    [
        TestEvents.Identify("ada", Email("ada"), TestEvents.At(0)),
        TestEvents.ProductAdded("ada", "sku-1", quantity: 2, at: TestEvents.At(1)),
        TestEvents.Page("ada", "Cart", TestEvents.At(2)),
        TestEvents.Identify("bob", Email("bob"), TestEvents.At(3)),
        TestEvents.ProductAdded("bob", "sku-2", at: TestEvents.At(4)),
        TestEvents.Page("bob", "Cart", TestEvents.At(5)),
    ];
}
