using Microsoft.Extensions.Time.Testing;
using Personalization.Events;
using Personalization.Internal;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Identity;

/// <summary>
/// Identity merges: an <c>identify</c> that links an anonymous id, and an <c>alias</c>, move the anonymous profile and
/// its pending trigger instances to the known user; consent never widens.
/// </summary>
public class IdentityMergeTests
{
    private const int Shards = 4;
    private static readonly TimeSpan s_tick = TimeSpan.FromMinutes(1);

    [Test]
    public async Task An_anonymous_cart_merged_into_a_known_user_fires_the_cart_abandonment_once_for_the_user()
    {
        var (anonymous, user) = IdsOnDifferentShards();
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, s_tick, Shards,
            Trigger.CartAbandonment());

        await pipeline.IngestAsync(AnonymousProductAdded(anonymous, "p1", price: 20.0));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        await pipeline.IngestAsync(TestEvents.Identify(user, Traits("ada@example.com"), anonymousId: anonymous));
        await pipeline.FlushAsync();

        time.Advance(TimeSpan.FromMinutes(50));
        await sink.WaitForAsync(1);
        time.Advance(TimeSpan.FromHours(3));
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync(user);
        var intent = sink.Intents.Single();
        Assert.Multiple(async () =>
        {
            Assert.That(intent.UserId, Is.EqualTo(user));
            Assert.That(intent.SendKey, Is.EqualTo($"cart_abandonment:{user}:1"), "the user's first occurrence");
            Assert.That(intent.Due, Is.EqualTo(TestEvents.T0.AddHours(1)), "the anonymous instance's due time is kept");
            Assert.That(profile!.Cart.Select(line => (line.ProductId, line.Quantity)), Is.EqualTo(new[] { ("p1", 1) }));
            Assert.That(profile.MergedIds, Is.EqualTo(new[] { anonymous }));
            Assert.That(profile.AnonymousIds, Does.Contain(anonymous));
            Assert.That(profile.EventCount, Is.EqualTo(2));
            Assert.That((await pipeline.GetAsync(anonymous))?.UserId, Is.EqualTo(user), "the anonymous id reads as the user it joined");
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName).Fired, Is.EqualTo(1));
        });

        var stored = await StoredProfileIdsAsync(pipeline);
        Assert.That(stored, Does.Not.Contain(anonymous), "the anonymous profile is gone");
    }

    [Test]
    public async Task Events_of_the_anonymous_id_before_and_after_the_merge_all_land_on_the_user_in_order()
    {
        var (anonymous, user) = IdsOnDifferentShards();
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, Shards);

        var events = new List<SegmentEvent>();
        for (var i = 0; i < 200; i++)
        {
            events.Add(AnonymousPage(anonymous, TestEvents.At(i)));
        }

        events.Add(TestEvents.Identify(user, Traits("bo@example.com"), TestEvents.At(200), anonymous));
        for (var i = 201; i < 400; i++)
        {
            events.Add(AnonymousPage(anonymous, TestEvents.At(i)));
            events.Add(TestEvents.Page(user, "Home", TestEvents.At(i)));
        }

        // One batch: the merge's hand-over races nothing but the stages themselves.
        var results = await pipeline.IngestBatchAsync(events);
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync(user);
        Assert.Multiple(async () =>
        {
            Assert.That(results.Count(r => r.Status == Ingest.IngestStatus.Accepted), Is.EqualTo(events.Count));
            Assert.That(profile!.EventCount, Is.EqualTo(events.Count), "no event of either id is lost or applied elsewhere");
            Assert.That(profile.PageViews, Is.EqualTo(events.Count - 1));
            Assert.That(profile.FirstSeen, Is.EqualTo(TestEvents.At(0)));
            Assert.That(profile.LastSeen, Is.EqualTo(TestEvents.At(399)));
            Assert.That(await StoredProfileIdsAsync(pipeline), Is.EqualTo(new[] { user }));
        });
    }

    [Test]
    public async Task A_merge_never_widens_consent()
    {
        var (anonymous, user) = IdsOnDifferentShards();
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, Shards);

        // The anonymous visitor unsubscribed and opted in to news; the user opted out of news and has a name.
        await pipeline.IngestAsync(AnonymousIdentifyTraits(anonymous, new() { ["unsubscribed"] = true, ["consent_news"] = true, ["city"] = "Oslo" }));
        await pipeline.IngestAsync(TestEvents.Identify(user, new Dictionary<string, object?>
        {
            ["email"] = "cy@example.com",
            ["unsubscribed"] = false,
            ["consent_news"] = false,
            ["city"] = "Bergen",
        }, TestEvents.At(1)));
        await pipeline.IngestAsync(TestEvents.Identify(user, new Dictionary<string, object?>(), TestEvents.At(2), anonymous));
        await pipeline.FlushAsync();

        var traits = (await pipeline.GetAsync(user))!.Traits;
        Assert.Multiple(() =>
        {
            Assert.That(traits["unsubscribed"], Is.EqualTo(true), "unsubscribed from either identity is unsubscribed");
            Assert.That(traits["consent_news"], Is.EqualTo(false), "a withdrawn consent stays withdrawn");
            Assert.That(traits["city"], Is.EqualTo("Bergen"), "other traits: the known user's win");
            Assert.That(traits["email"], Is.EqualTo("cy@example.com"));
        });
    }

    [Test]
    public async Task When_both_have_a_pending_cart_abandonment_the_user_gets_one_email()
    {
        var (anonymous, user) = IdsOnDifferentShards();
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartInProcessingTimeAsync(directory.Path, sink, time, s_tick, Shards,
            Trigger.CartAbandonment());

        await pipeline.IngestAsync(TestEvents.Identify(user, Traits("di@example.com")));
        await pipeline.IngestAsync(TestEvents.ProductAdded(user, "p1"));
        await pipeline.IngestAsync(AnonymousProductAdded(anonymous, "p2"));
        await pipeline.FlushAsync();
        await pipeline.IngestAsync(TestEvents.Identify(user, Traits("di@example.com"), anonymousId: anonymous));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromHours(1));
        await sink.WaitForAsync(1);
        time.Advance(TimeSpan.FromHours(2));
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync(user);
        Assert.Multiple(() =>
        {
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.EqualTo(new[] { $"cart_abandonment:{user}:1" }));
            Assert.That(profile!.Cart.Select(line => line.ProductId), Is.EquivalentTo(new[] { "p1", "p2" }), "the carts combine");
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName), Is.EqualTo((2L, 0L, 1L, 0L, 1L)),
                "the anonymous instance ends as cancelled (merged)");
        });
    }

    [Test]
    public async Task An_alias_merges_the_previous_id_and_a_second_claim_on_a_merged_id_is_skipped()
    {
        using var directory = new TempDirectory();
        using var meterFactory = new TestMeterFactory();
        var merges = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == Personalization.Diagnostics.PersonalizationDiagnostics.IdentityMerges && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => merges.Enqueue((string)tags[0].Value!));
        listener.Start();
        await using var pipeline = new PersonalizationPipeline(TestPipelines.Options(directory.Path, Shards), meterFactory: meterFactory);
        await pipeline.StartAsync();

        await pipeline.IngestAsync(TestEvents.Track("old-id", "Signed Up"));
        await pipeline.IngestAsync(new SegmentEvent
        {
            MessageId = TestEvents.NewId(),
            Type = SegmentEventType.Alias,
            UserId = "new-id",
            PreviousId = "old-id",
            Timestamp = TestEvents.At(1),
        });
        await pipeline.IngestAsync(TestEvents.Track("old-id", "Logged In", TestEvents.At(2)));
        await pipeline.IngestAsync(TestEvents.Identify("someone-else", Traits("se@example.com"), TestEvents.At(3), "old-id"));
        await pipeline.FlushAsync();

        var merged = await pipeline.GetAsync("new-id");
        Assert.Multiple(async () =>
        {
            Assert.That(merged!.EventCounts, Is.EquivalentTo(new Dictionary<string, long> { ["Signed Up"] = 1, ["Logged In"] = 1 }));
            Assert.That(merged.MergedIds, Is.EqualTo(new[] { "old-id" }));
            Assert.That((await pipeline.GetAsync("someone-else"))!.EventCount, Is.EqualTo(1), "a known user's profile is not taken apart");
            Assert.That(merges, Is.EquivalentTo(new[] { "merged", "skipped" }));
        });
    }

    [Test]
    public async Task Erasing_a_merged_anonymous_id_erases_the_user_it_joined_and_forgets_the_merge()
    {
        var (anonymous, user) = IdsOnDifferentShards();
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, Shards);

        await pipeline.IngestAsync(AnonymousPage(anonymous, TestEvents.At(0)));
        await pipeline.IngestAsync(TestEvents.Identify(user, Traits("ed@example.com"), TestEvents.At(1), anonymous));
        await pipeline.EraseUserAsync(anonymous);
        await pipeline.IngestAsync(AnonymousPage(anonymous, TestEvents.At(2)));
        await pipeline.FlushAsync();

        var again = await pipeline.GetAsync(anonymous);
        Assert.Multiple(async () =>
        {
            Assert.That(await pipeline.GetAsync(user), Is.Null, "the user's profile is erased");
            Assert.That(again!.UserId, Is.EqualTo(anonymous), "a later event of the id starts a profile of its own");
            Assert.That(again.EventCount, Is.EqualTo(1));
            Assert.That(again.Traits, Is.Empty, "nothing of the erased user comes back");
        });
    }

    private static Dictionary<string, object?> Traits(string email) => new() { ["email"] = email };

    private static SegmentEvent AnonymousProductAdded(string anonymousId, string productId, double? price = null) => new()
    {
        MessageId = TestEvents.NewId(),
        Type = SegmentEventType.Track,
        AnonymousId = anonymousId,
        Event = EcommerceEvents.ProductAdded,
        Timestamp = TestEvents.T0,
        Properties = price is { } p
            ? new Dictionary<string, object?> { ["product_id"] = productId, ["price"] = p }
            : new Dictionary<string, object?> { ["product_id"] = productId },
    };

    private static SegmentEvent AnonymousPage(string anonymousId, DateTimeOffset at) => new()
    {
        MessageId = TestEvents.NewId(),
        Type = SegmentEventType.Page,
        AnonymousId = anonymousId,
        Name = "Home",
        Timestamp = at,
    };

    private static SegmentEvent AnonymousIdentifyTraits(string anonymousId, Dictionary<string, object?> traits) => new()
    {
        MessageId = TestEvents.NewId(),
        Type = SegmentEventType.Identify,
        AnonymousId = anonymousId,
        Timestamp = TestEvents.T0,
        Traits = traits,
    };

    // A merge across shards is the interesting case: the anonymous profile's shard must hand it over.
    private static (string Anonymous, string User) IdsOnDifferentShards()
    {
        for (var i = 0; ; i++)
        {
            var anonymous = "anon-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (StableHash.Shard(anonymous, Shards) != StableHash.Shard("user-1", Shards))
            {
                return (anonymous, "user-1");
            }
        }
    }

    private static async Task<List<string>> StoredProfileIdsAsync(PersonalizationPipeline pipeline)
    {
        var ids = new List<string>();
        await foreach (var profile in pipeline.ScanAsync())
        {
            ids.Add(profile.UserId);
        }

        return ids;
    }
}
