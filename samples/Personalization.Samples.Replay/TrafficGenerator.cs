using System.Globalization;
using Personalization.Events;

namespace Personalization.Samples.Replay;

/// <summary>
/// Generates seeded, realistic shop traffic lazily: overlapping visits of many users, each a funnel of page views,
/// product views, cart adds and removes, checkouts and orders. Some visitors browse anonymously and identify later
/// (at sign-up, login or checkout). Timestamps increase over the span; a few client retries (same messageId) and
/// broken events (no user id) are mixed in, as in real collection. The same seed gives the same events.
/// </summary>
internal sealed class TrafficGenerator
{
    // Visits that run at the same time; events of concurrent visits interleave.
    private const int ConcurrentVisits = 48;
    private const double AverageVisitLength = 6.3;
    private const double AnonymousFirstRate = 0.6;
    private const double RetryRate = 0.001;
    private const double BrokenRate = 0.0002;

    private static readonly string[] s_firstNames =
    [
        "Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Mia",
        "Noah", "Olivia", "Paul", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Yara", "Zoe",
    ];

    private static readonly string[] s_lastNames =
    [
        "Smith", "Meyer", "Garcia", "Rossi", "Kowalski", "Novak", "Dubois", "Jensen", "Silva", "Tanaka", "Khan",
        "Okafor", "Ivanova", "Larsen", "Moreau", "Fischer",
    ];

    private static readonly string[] s_timezones =
    [
        "Europe/Berlin", "Europe/London", "Europe/Paris", "America/New_York", "America/Chicago",
        "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney",
    ];

    private readonly long _events;
    private readonly int _users;
    private readonly int _seed;
    private readonly long _startTicks;
    private readonly double _meanGapMs;

    public TrafficGenerator(long events, int users, int seed, DateTimeOffset start, TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        _events = events;
        _users = users;
        _seed = seed;
        _startTicks = start.UtcTicks;
        _meanGapMs = span.TotalMilliseconds / events;
    }

    /// <summary>How many events <see cref="Generate"/> yields.</summary>
    public long Events => _events;

    /// <summary>The user id of user <paramref name="user"/>.</summary>
    public static string UserId(int user) => "user-" + (user + 1).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Yields the events in timestamp order, one at a time.</summary>
    public IEnumerable<SegmentEvent> Generate()
    {
        var random = new Random(_seed);
        var catalog = new ShopCatalog(_seed);
        var state = new GeneratorState(_users);
        var visits = new VisitorSession[Math.Min(ConcurrentVisits, _users)];
        long emitted = 0;
        for (var i = 0; i < visits.Length; i++)
        {
            visits[i] = new VisitorSession();
            StartVisit(visits[i], state, catalog, random, emitted);
        }

        var clockMs = 0.0;
        long messages = 0;
        while (emitted < _events)
        {
            var visit = visits[random.Next(visits.Length)];
            clockMs += -Math.Log(1.0 - random.NextDouble()) * _meanGapMs;
            var timestamp = new DateTimeOffset(_startTicks + ((long)clockMs * TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
            var messageId = MessageId(messages++);
            if (random.NextDouble() < BrokenRate)
            {
                // A broken client: no userId and no anonymousId. The pipeline rejects it with missing_field.
                emitted++;
                yield return new SegmentEvent { MessageId = messageId, Type = SegmentEventType.Track, Event = EcommerceEvents.ProductViewed, Timestamp = timestamp };
                continue;
            }

            var @event = Emit(visit, state, messageId, timestamp, ref messages);
            emitted++;
            yield return @event;
            if (emitted < _events && random.NextDouble() < RetryRate)
            {
                // A client retry after a timeout: the same event, the same messageId.
                emitted++;
                yield return @event;
            }

            if (!visit.HasNext)
            {
                state.InVisit[visit.User] = false;
                StartVisit(visit, state, catalog, random, emitted);
            }
        }
    }

    private string MessageId(long counter) =>
        string.Create(CultureInfo.InvariantCulture, $"gen-{_seed}-{counter:D10}");

    private void StartVisit(VisitorSession visit, GeneratorState state, ShopCatalog catalog, Random random, long emitted)
    {
        var user = PickUser(state, random, emitted);
        var firstVisit = !state.Seen[user];
        state.Seen[user] = true;
        state.InVisit[user] = true;
        visit.Plan(user, HasAnonymousId(user), state.Identified[user], firstVisit, catalog, random);
    }

    // New users arrive at the rate that lets every user visit at least once; the rest of the visits are returning
    // users, the loyal (early) ones more often.
    private int PickUser(GeneratorState state, Random random, long emitted)
    {
        var unseen = _users - state.NextNewUser;
        var visitsLeft = Math.Max(1.0, (_events - emitted) / AverageVisitLength * 0.8);
        if (unseen > 0 && (state.NextNewUser == 0 || random.NextDouble() < unseen / visitsLeft))
        {
            return state.NextNewUser++;
        }

        for (var attempt = 0; attempt < 16; attempt++)
        {
            var u = random.NextDouble();
            var user = (int)(u * Math.Sqrt(u) * state.NextNewUser);
            if (!state.InVisit[user])
            {
                return user;
            }
        }

        if (unseen > 0)
        {
            return state.NextNewUser++;
        }

        var start = random.Next(_users);
        for (var i = 0; i < _users; i++)
        {
            var user = (start + i) % _users;
            if (!state.InVisit[user])
            {
                return user;
            }
        }

        throw new InvalidOperationException("More concurrent visits than users.");
    }

    private SegmentEvent Emit(VisitorSession visit, GeneratorState state, string messageId, DateTimeOffset timestamp, ref long messages)
    {
        var (step, detail) = visit.Next();
        var anonymousId = visit.HasAnonymousId ? AnonymousId(visit.User) : null;
        if (step == VisitStep.Identify)
        {
            visit.Identified = true;
            state.Identified[visit.User] = true;
            return SegmentEvent.Identify(messageId, UserId(visit.User), timestamp, Traits(visit.User), anonymousId);
        }

        var userId = visit.Identified ? UserId(visit.User) : null;
        switch (step)
        {
            case VisitStep.Page:
                var name = (string)detail!;
                return new SegmentEvent
                {
                    MessageId = messageId,
                    Type = SegmentEventType.Page,
                    UserId = userId,
                    AnonymousId = anonymousId,
                    Name = name,
                    Timestamp = timestamp,
                    Properties = new Dictionary<string, object?>(2, StringComparer.Ordinal)
                    {
                        ["path"] = "/" + name.ToLowerInvariant(),
                        ["url"] = "https://shop.example.com/" + name.ToLowerInvariant(),
                    },
                };
            case VisitStep.ProductViewed:
                return Ecommerce.ProductViewed(messageId, userId, timestamp, (Product)detail!, anonymousId);
            case VisitStep.ProductAdded:
                return Ecommerce.ProductAdded(messageId, userId, timestamp, (Product)detail!, anonymousId: anonymousId);
            case VisitStep.ProductRemoved:
                return Ecommerce.ProductRemoved(messageId, userId, timestamp, (Product)detail!, anonymousId);
            case VisitStep.CartViewed:
                return Ecommerce.CartViewed(messageId, userId, timestamp, (Product[])detail!, anonymousId);
            case VisitStep.CheckoutStarted:
                return Ecommerce.CheckoutStarted(messageId, userId, timestamp, (Product[])detail!, Total((Product[])detail!), anonymousId);
            default:
                var products = (Product[])detail!;
                var orderId = string.Create(CultureInfo.InvariantCulture, $"order-{_seed}-{messages:D10}");
                return Ecommerce.OrderCompleted(messageId, userId, timestamp, orderId, products, Total(products), anonymousId: anonymousId);
        }
    }

    private static decimal Total(Product[] products)
    {
        var total = 0m;
        foreach (var product in products)
        {
            total += (product.Price ?? 0m) * product.Quantity;
        }

        return total;
    }

    private bool HasAnonymousId(int user) => Unit(Mix(user, 1)) < AnonymousFirstRate;

    private string AnonymousId(int user) =>
        "anon-" + Mix(user, 2).ToString("x16", CultureInfo.InvariantCulture);

    private Dictionary<string, object?> Traits(int user)
    {
        var hash = Mix(user, 3);
        var first = s_firstNames[(int)(hash % (ulong)s_firstNames.Length)];
        var last = s_lastNames[(int)((hash >> 16) % (ulong)s_lastNames.Length)];
        return new Dictionary<string, object?>(5, StringComparer.Ordinal)
        {
            ["email"] = string.Create(CultureInfo.InvariantCulture, $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}.{user + 1}@example.com"),
            ["first_name"] = first,
            ["last_name"] = last,
            ["timezone"] = s_timezones[(int)((hash >> 32) % (ulong)s_timezones.Length)],
        };
    }

    // SplitMix64 of (seed, user, purpose): per-user facts that stay the same on every visit.
    private ulong Mix(int user, int purpose)
    {
        var z = ((ulong)(uint)_seed << 32 | (uint)user) + ((ulong)purpose * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    private sealed class GeneratorState(int users)
    {
        public bool[] Seen { get; } = new bool[users];

        public bool[] Identified { get; } = new bool[users];

        public bool[] InVisit { get; } = new bool[users];

        public int NextNewUser { get; set; }
    }
}
