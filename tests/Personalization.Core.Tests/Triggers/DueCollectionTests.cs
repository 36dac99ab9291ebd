using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Tests.Support;
using Personalization.Triggers;
using Personalization.Triggers.Engine;

namespace Personalization.Tests.Triggers;

/// <summary>
/// A shard collects a second of timers into objects it reuses from second to second: every instance is decided once, in
/// due-time order, with its own send key, trail, events and profile, however many seconds came before.
/// </summary>
public class DueCollectionTests
{
    private static readonly TimeSpan s_delay = TimeSpan.FromHours(1);

    [Test]
    public async Task Seconds_collected_one_after_another_fire_each_instance_once_in_due_order_with_its_own_trail()
    {
        await using var engine = await TestEngine.StartAsync();
        // Three seconds of 40 timers each (three chunks a second); in each second, every fifth user restarts the
        // trigger a few times within the second, and users 1 and 2 of the first second into later seconds.
        for (var second = 0; second < 3; second++)
        {
            for (var i = 0; i < 40; i++)
            {
                engine.Start(User(second, i), TestEvents.T0.AddSeconds(second).AddMilliseconds(20 * i));
            }

            for (var i = 0; i < 40; i += 5)
            {
                for (var restart = 1; restart <= i / 5; restart++)
                {
                    engine.Start(User(second, i), TestEvents.T0.AddSeconds(second).AddMilliseconds((20 * i) + restart));
                }
            }
        }

        engine.Start(User(0, 1), TestEvents.T0.AddSeconds(1).AddMilliseconds(999));
        engine.Start(User(0, 2), TestEvents.T0.AddSeconds(70));

        // The clock half way into the second second: the first is collected whole, the second in part.
        engine.Clock(TestEvents.T0.AddSeconds(1).AddMilliseconds(500) + s_delay);
        var firstRound = engine.Sink.Intents.ToList();
        engine.Clock(TestEvents.T0.AddSeconds(71) + s_delay);
        var intents = engine.Sink.Intents.ToList();

        var expected = Enumerable.Range(0, 3).SelectMany(second => Enumerable.Range(0, 40).Select(i => (second, i)))
            .Select(entry => (User: User(entry.second, entry.i), Due: Due(entry.second, entry.i)))
            .OrderBy(entry => entry.Due).ThenBy(entry => entry.User, StringComparer.Ordinal)
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(firstRound.Select(intent => intent.UserId),
                Is.EqualTo(expected.Where(entry => entry.Due <= TestEvents.T0.AddSeconds(1).AddMilliseconds(500) + s_delay).Select(entry => entry.User)));
            Assert.That(intents.Select(intent => intent.UserId), Is.EqualTo(expected.Select(entry => entry.User)));
            Assert.That(intents.Select(intent => intent.Due), Is.Ordered);
            Assert.That(intents.Select(intent => intent.SendKey), Is.EqualTo(expected.Select(entry => $"reminder:{entry.User}:1")));
            Assert.That(intents.Select(intent => string.Join(",", intent.Reasons)),
                Is.EqualTo(expected.Select(entry => Restarts(entry.User) == 0 ? "entered,fired" : $"entered,restarted x{Restarts(entry.User)},fired")));
            Assert.That(intents.Select(intent => intent.Events.Count), Is.EqualTo(expected.Select(entry => Math.Min(5, 1 + Restarts(entry.User)))));
            Assert.That(intents.Select(intent => intent.Events[^1].MessageId), Is.Unique);
        });

        // When user (0, 1) was due: restarted into the second second; user (0, 2) into the 70th.
        static DateTimeOffset Due(int second, int i) => (second, i) switch
        {
            (0, 1) => TestEvents.T0.AddSeconds(1).AddMilliseconds(999) + s_delay,
            (0, 2) => TestEvents.T0.AddSeconds(70) + s_delay,
            _ => TestEvents.T0.AddSeconds(second).AddMilliseconds((20 * i) + (i % 5 == 0 ? i / 5 : 0)) + s_delay,
        };

        static int Restarts(string user)
        {
            var (second, i) = Parse(user);
            return (second, i) is (0, 1) or (0, 2) ? 1 : i % 5 == 0 ? i / 5 : 0;
        }
    }

    [Test]
    public async Task A_timer_listed_twice_in_its_second_decides_its_instance_once()
    {
        await using var engine = await TestEngine.StartAsync();
        engine.Start("user-a", TestEvents.T0);
        engine.Start("user-b", TestEvents.T0.AddMilliseconds(1));

        // A second chunk of the same second lists user-a twice more (as a store written by another version might),
        // found when the engine reads the store's buckets again.
        var instanceId = TriggerKeys.InstanceId("reminder", "user-a", "user-a");
        engine.Session.Upsert(TriggerKeys.ForBucket(0, TriggerKeys.SecondOf((TestEvents.T0 + s_delay).UtcTicks), 1),
            MessagePack.MessagePackSerializer.Serialize(new TimerBucketRecord { Instances = [instanceId, instanceId], Users = ["user-a", "user-a"] }));
        engine.Reattach();

        engine.Clock(TestEvents.T0.AddSeconds(1) + s_delay);
        Assert.That(engine.Sink.Intents.Select(intent => intent.UserId), Is.EqualTo(new[] { "user-a", "user-b" }));
    }

    [Test]
    public async Task A_send_after_many_restarts_counts_them_in_its_trail([Values(3, 63, 64, 70)] int restarts)
    {
        await using var engine = await TestEngine.StartAsync();
        for (var i = 0; i <= restarts; i++)
        {
            engine.Start("user-a", TestEvents.T0.AddMilliseconds(i));
        }

        engine.Clock(TestEvents.T0.AddSeconds(1) + s_delay);
        Assert.That(engine.Sink.Intents.Single().Reasons, Is.EqualTo(new[] { "entered", $"restarted x{restarts}", "fired" }));
    }

    [Test]
    public async Task Each_intent_keeps_its_own_profile_and_profile_bytes()
    {
        await using var engine = await TestEngine.StartAsync();
        var users = Enumerable.Range(0, 6).Select(i => User(0, i)).ToList();
        foreach (var user in users)
        {
            engine.StoreProfile(new CustomerProfile { UserId = user, Traits = { ["email"] = user + "@example.com", ["plan"] = new string('p', users.IndexOf(user) * 300) } });
            engine.Start(user, TestEvents.T0.AddMilliseconds(users.IndexOf(user)));
        }

        engine.Clock(TestEvents.T0.AddSeconds(1) + s_delay);
        var intents = engine.Sink.Intents.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(intents.Select(intent => intent.Profile!.UserId), Is.EqualTo(users));
            Assert.That(intents.Select(intent => intent.Profile), Is.Unique);
            Assert.That(intents.Select(intent => intent.ProfileBytes), Is.Unique);
            Assert.That(intents.Select(intent => ProfileSerializer.Deserialize(intent.ProfileBytes!).Email), Is.EqualTo(users.Select(user => user + "@example.com")));
            Assert.That(intents.Select(intent => ((string)intent.Profile!.Traits["plan"]!).Length), Is.EqualTo(users.Select(user => users.IndexOf(user) * 300)));
        });
    }

    [Test]
    public void A_collection_remembers_each_id_of_its_second_until_cleared()
    {
        var collected = new CollectedSecond();
        var ids = Enumerable.Range(0, 5_000).Select(i => System.Text.Encoding.UTF8.GetBytes("reminder\u001fuser-" + i)).ToList();
        ids.Add([]);
        ids.Add("é"u8.ToArray());

        var first = ids.Select(id => collected.AddSeen(id)).ToList();
        var again = ids.Select(id => collected.AddSeen(id)).ToList();
        collected.Clear();
        var afterClear = ids.Select(id => collected.AddSeen(id)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.All.True);
            Assert.That(again, Is.All.False);
            Assert.That(afterClear, Is.All.True);
        });
    }

    private static string User(int second, int i) => string.Create(CultureInfo.InvariantCulture, $"user-{second}-{i:D2}");

    private static (int Second, int I) Parse(string user)
    {
        var parts = user.Split('-');
        return (int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    // An engine with one trigger ("reminder", an hour after "Started", restarted by it) on one shard of a small store.
    private sealed class TestEngine : IAsyncDisposable
    {
        private readonly TempDirectory _directory;
        private readonly FasterKeyValueStore _store;
        private readonly Meter _meter = new("Personalization.Tests.DueCollection");
        private readonly TriggerEngine _engine;
        private readonly TriggerEventContext _context = new(0);

        private TestEngine(TempDirectory directory, FasterKeyValueStore store)
        {
            _directory = directory;
            _store = store;
            Session = store.OpenSession();
            TriggerDefinition[] triggers = [Trigger.When("reminder", "Started").After(s_delay).RestartOn("Started").Build()];
            _engine = new TriggerEngine(triggers, Sink, ClockMode.EventTime, new SendPolicyOptions(), new TriggerMetrics(_meter, 1),
                NullLogger.Instance);
            _engine.Attach(store, shardCount: 1);
        }

        public InMemorySendIntentSink Sink { get; } = new();

        public IKeyValueSession Session { get; }

        public static Task<TestEngine> StartAsync()
        {
            var directory = new TempDirectory();
            var store = FasterKeyValueStore.Open(directory.Combine("store"), directory.Combine("checkpoints"), TestPipelines.SmallStore());
            return Task.FromResult(new TestEngine(directory, store));
        }

        public void Start(string user, DateTimeOffset at)
        {
            var @event = SegmentEvent.Track("m-" + Guid.NewGuid().ToString("N"), user, "Started", at);
            _context.Reset(@event, new CustomerProfile { UserId = user }, ReadOnlyMemory<byte>.Empty, at);
            _engine.OnEvent(_context);
        }

        public void Clock(DateTimeOffset now) => _engine.OnClock(new TriggerClockContext(0, now, IsFinal: false));

        public void StoreProfile(CustomerProfile profile)
        {
            var value = new ArrayBufferWriter<byte>();
            ProfileSerializer.Serialize(value, profile);
            Session.Upsert(StoreKeys.Create(StoreKeys.Profile, profile.UserId), value.WrittenSpan);
        }

        public void Reattach()
        {
            _engine.Detach();
            _engine.Attach(_store, shardCount: 1);
        }

        public async ValueTask DisposeAsync()
        {
            _engine.Detach();
            Session.Dispose();
            await _store.DisposeAsync();
            _meter.Dispose();
            _directory.Dispose();
        }
    }
}
