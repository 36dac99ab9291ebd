using System.Buffers;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Personalization.Benchmarks.Support;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Triggers;
using Personalization.Triggers.Engine;

namespace Personalization.Benchmarks.Triggers;

/// <summary>
/// The trigger stage's work for one event: <see cref="TriggerEngine.OnEvent"/> with the five built-in triggers (cart
/// abandonment, browse abandonment, welcome, win-back, post-purchase) over 10,000 users in a FASTER store, in event
/// time, as a shard calls it after the profile update; against the same rules written by hand in memory
/// (<see cref="HandWrittenTriggers"/>). A third row is the enrich stage's profile update in FASTER for the same
/// events, to put the trigger stage's cost next to the other per-event cost of a shard.
/// </summary>
/// <remarks>
/// One operation is one event. Each user in turn (shuffled) gets the next event of a visit that repeats:
/// <c>Product Viewed</c>, <c>Product Viewed</c>, <c>Product Added</c>, <c>Order Completed</c>, <c>identify</c>; so
/// the calls are a mix of entries, restarts and cancels, as in a shop. Event time moves <see cref="EventsPerSecond"/>
/// events a second on the shard (a busy shop and a quiet one: the engine's timer buckets hold the instances due in
/// one second, so their size follows the event rate); no timer comes due and <c>OnClock</c> is not measured. The profile handed to the
/// triggers is that of a returning customer (one order, an email trait), so win-back is pending for every user.
/// Every row builds the same small event object per operation (about 100 bytes).
/// </remarks>
[MemoryDiagnoser]
public class TriggerEvaluationBenchmarks
{
    private const int UserCount = 10_000;

    private readonly byte[] _key = new byte[StoreKeys.BufferSize];
    private readonly ArrayBufferWriter<byte> _previous = new(1024);
    private readonly ArrayBufferWriter<byte> _next = new(1024);
    private TempDirectory? _directory;
    private FasterKeyValueStore? _store;
    private IKeyValueSession? _session;
    private Meter? _meter;
    private TriggerEngine? _engine;
    private HandWrittenTriggers _handWritten = null!;
    private TriggerEventContext _context = null!;
    private CustomerProfile _profile = null!;
    private byte[] _profileBefore = [];
    private SegmentEvent[] _visit = [];
    private string[] _users = [];
    private long _position;
    private TimeSpan _step;

    /// <summary>How many events the shard gets per second of event time.</summary>
    [Params(100, 1)]
    public int EventsPerSecond { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _step = TimeSpan.FromSeconds(1.0 / EventsPerSecond);
        _directory = new TempDirectory("personalization-bench-triggers");
        _store = FasterKeyValueStore.Open(Path.Combine(_directory.Path, "store"), Path.Combine(_directory.Path, "checkpoints"), new StoreOptions());
        _session = _store.OpenSession();
        _meter = new Meter("Personalization.Benchmarks.Triggers");
        TriggerDefinition[] triggers =
        [
            Trigger.CartAbandonment().Build(), Trigger.BrowseAbandonment().Build(), Trigger.Welcome().Build(),
            Trigger.WinBack().Build(), Trigger.PostPurchase().Build(),
        ];
        _engine = new TriggerEngine(triggers, new InMemorySendIntentSink(), ClockMode.EventTime, new SendPolicyOptions(),
            new TriggerMetrics(_meter, triggers.Length), NullLogger.Instance);
        _engine.Attach(_store, shardCount: 1);
        _handWritten = new HandWrittenTriggers();
        _context = new TriggerEventContext(0);

        _users = SampleProfiles.UserIds(UserCount);
        new Random(42).Shuffle(_users);
        _profile = SampleProfiles.Shopper("returning-customer");
        _profile.OrderCount = 1;
        _next.ResetWrittenCount();
        ProfileSerializer.Serialize(_next, _profile);
        _profileBefore = _next.WrittenSpan.ToArray();
        foreach (var userId in _users)
        {
            _next.ResetWrittenCount();
            ProfileSerializer.Serialize(_next, SampleProfiles.Shopper(userId));
            _session.Upsert(Key(userId), _next.WrittenSpan);
        }

        var product = new Product("507f1f77bcf86cd799439011", 18.99m, 1, "Monopoly: 3rd Edition", "Hasbro", "Games");
        var at = SampleProfiles.Start;
        _visit =
        [
            Ecommerce.ProductViewed("bench-view", "template", at, product),
            Ecommerce.ProductViewed("bench-view-2", "template", at, product),
            Ecommerce.ProductAdded("bench-add", "template", at, product, cartId: "cart-1"),
            Ecommerce.OrderCompleted("bench-order", "template", at, "order-1", [product]),
            SegmentEvent.Identify("bench-identify", "template", at, new Dictionary<string, object?> { ["email"] = "peter@example.com" }),
        ];

        // Two whole visits of every user first, so that the measured calls find the state of a running shop.
        var warmUp = 2 * _visit.Length * UserCount;
        for (var i = 0; i < warmUp; i++)
        {
            Engine_FiveTriggers();
        }

        _position = 0;
        for (var i = 0; i < warmUp; i++)
        {
            HandWritten_FiveRules();
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _engine?.Detach();
        _session?.Dispose();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _meter?.Dispose();
        _directory?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Per event: 5 rules by hand, in memory")]
    public int HandWritten_FiveRules()
    {
        _handWritten.OnEvent(NextEvent(), _profile);
        return 0;
    }

    [Benchmark(Description = "Per event: TriggerEngine.OnEvent, 5 built-in triggers (FASTER)")]
    public int Engine_FiveTriggers()
    {
        var @event = NextEvent();
        _context.Reset(@event, _profile, _profileBefore, @event.Timestamp);
        _engine!.OnEvent(_context);
        return 0;
    }

    [Benchmark(Description = "Reference: profile update in FASTER for the same event (enrich)")]
    public CustomerProfile Reference_ProfileUpdate()
    {
        var @event = NextEvent();
        var key = Key(@event.ProfileId!);
        _previous.ResetWrittenCount();
        var profile = _session!.TryRead(key, _previous)
            ? ProfileSerializer.Deserialize(_previous.WrittenMemory)
            : ProfileUpdater.Create(@event.ProfileId!, @event.Timestamp);
        ProfileUpdater.Apply(profile, @event);
        _next.ResetWrittenCount();
        ProfileSerializer.Serialize(_next, profile);
        _session.Upsert(key, _next.WrittenSpan);
        return profile;
    }

    // The next event: each user in turn gets the next step of the visit, 1/EventsPerSecond after the previous event.
    private SegmentEvent NextEvent()
    {
        var position = _position++;
        var template = _visit[(int)(position / UserCount % _visit.Length)];
        return new SegmentEvent
        {
            MessageId = template.MessageId,
            Type = template.Type,
            UserId = _users[(int)(position % UserCount)],
            Event = template.Event,
            Timestamp = SampleProfiles.Start + (_step * position),
            Properties = template.Properties,
            Traits = template.Traits,
        };
    }

    private ReadOnlySpan<byte> Key(string userId) => _key.AsSpan(0, StoreKeys.Write(StoreKeys.Profile, userId, _key));
}
