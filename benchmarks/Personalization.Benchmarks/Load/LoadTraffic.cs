using System.Globalization;
using Personalization.Events;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// Seeded shop traffic for the <c>load</c> command, made before it is measured so that making it costs nothing in the
/// measured part: overlapping visits of many users, each an identify on the first visit, a page view, product views,
/// cart adds and removes, and sometimes a checkout and an order. Every event carries its user id (no anonymous
/// visitors, so no identity merges: the baselines would need their own). One event in a thousand is sent twice with
/// the same messageId, as a client retry. The same seed gives the same events, in the same order, for every system;
/// <see cref="Next"/> goes on where the previous call stopped.
/// </summary>
/// <remarks>
/// The property dictionaries of a product are built once and shared by every event that names the product, so that
/// a million events fit in a few hundred megabytes.
/// </remarks>
internal sealed class LoadTraffic
{
    private const int ConcurrentVisits = 64;
    private const int CatalogSize = 2_000;
    private const double AddToCartRate = 0.20;
    private const double RemoveRate = 0.06;
    private const double CheckoutRate = 0.45;
    private const double OrderRate = 0.75;
    private const double RetryRate = 0.001;
    private const long TicksBetweenEvents = 100;

    private static readonly string[] s_pages = ["Home", "Category", "Search", "Deals"];
    private static readonly string[] s_brands = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"];

    private readonly Random _random;
    private readonly int _seed;
    private readonly int _users;
    private readonly long _startTicks;
    private readonly Product[] _products;
    private readonly Dictionary<string, object?>[] _productProperties;
    private readonly Dictionary<string, object?>[] _pageProperties;
    private readonly List<int>?[] _carts;
    private readonly bool[] _identified;
    private readonly Visit[] _visits;
    private long _messages;
    private SegmentEvent? _previous;

    public LoadTraffic(int users, int seed, DateTimeOffset start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        _random = new Random(seed);
        _seed = seed;
        _users = users;
        _startTicks = start.UtcTicks;
        _products = new Product[CatalogSize];
        _productProperties = new Dictionary<string, object?>[CatalogSize];
        for (var i = 0; i < CatalogSize; i++)
        {
            var brand = s_brands[i % s_brands.Length];
            var price = Math.Round((decimal)(5 + (_random.NextDouble() * _random.NextDouble() * 800)), 2);
            _products[i] = new Product((100_000 + i).ToString(CultureInfo.InvariantCulture), price, 1,
                string.Create(CultureInfo.InvariantCulture, $"{brand} item {i}"), brand, "category-" + (i % 20).ToString(CultureInfo.InvariantCulture));
            _productProperties[i] = _products[i].ToProperties();
        }

        _pageProperties = Array.ConvertAll(s_pages, page => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["path"] = "/" + page.ToLowerInvariant(),
        });
        _carts = new List<int>?[users];
        _identified = new bool[users];
        _visits = new Visit[Math.Min(ConcurrentVisits, users)];
        for (var i = 0; i < _visits.Length; i++)
        {
            _visits[i] = new Visit();
            StartVisit(_visits[i]);
        }
    }

    /// <summary>The user id of user number <paramref name="user"/>.</summary>
    public static string UserId(int user) => "user-" + user.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>The next <paramref name="count"/> events.</summary>
    public SegmentEvent[] Next(long count)
    {
        var events = new SegmentEvent[count];
        for (long i = 0; i < count; i++)
        {
            if (_previous is not null && _random.NextDouble() < RetryRate)
            {
                events[i] = _previous;
                _previous = null;
                continue;
            }

            var visit = _visits[_random.Next(_visits.Length)];
            events[i] = _previous = Emit(visit);
            if (visit.Done)
            {
                StartVisit(visit);
            }
        }

        return events;
    }

    private void StartVisit(Visit visit)
    {
        var r = _random.NextDouble();
        // Skewed: the first users (the loyal customers) come back more often than the rest.
        visit.User = (int)(r * Math.Sqrt(r) * _users);
        visit.Phase = _identified[visit.User] ? Phase.Landing : Phase.Identify;
        visit.ViewsLeft = 1 + (int)Math.Min(20, -Math.Log(1.0 - _random.NextDouble()) * 2.5);
        visit.PendingAdd = -1;
        visit.Done = false;
    }

    private SegmentEvent Emit(Visit visit)
    {
        var messageId = string.Create(CultureInfo.InvariantCulture, $"load-{_seed}-{_messages:D10}");
        var timestamp = new DateTimeOffset(_startTicks + (_messages * TicksBetweenEvents), TimeSpan.Zero);
        _messages++;
        var userId = UserId(visit.User);
        var cart = _carts[visit.User] ??= [];
        switch (visit.Phase)
        {
            case Phase.Identify:
                _identified[visit.User] = true;
                visit.Phase = Phase.Landing;
                return SegmentEvent.Identify(messageId, userId, timestamp, Traits(visit.User));
            case Phase.Landing:
                visit.Phase = Phase.Browse;
                var page = _random.Next(s_pages.Length);
                return new SegmentEvent
                {
                    MessageId = messageId, Type = SegmentEventType.Page, UserId = userId, Name = s_pages[page],
                    Timestamp = timestamp, Properties = _pageProperties[page],
                };
            case Phase.Browse:
                return Browse(visit, cart, messageId, userId, timestamp);
            default:
                visit.Done = true;
                var products = cart.ConvertAll(index => _products[index]);
                cart.Clear();
                var orderId = "order-" + messageId;
                return Ecommerce.OrderCompleted(messageId, userId, timestamp, orderId, products, Total(products));
        }
    }

    private SegmentEvent Browse(Visit visit, List<int> cart, string messageId, string userId, DateTimeOffset timestamp)
    {
        if (visit.PendingAdd >= 0)
        {
            var added = visit.PendingAdd;
            visit.PendingAdd = -1;
            cart.Add(added);
            return Track(messageId, userId, EcommerceEvents.ProductAdded, timestamp, added);
        }

        if (cart.Count > 0 && _random.NextDouble() < RemoveRate)
        {
            var line = _random.Next(cart.Count);
            var removed = cart[line];
            cart.RemoveAt(line);
            return Track(messageId, userId, EcommerceEvents.ProductRemoved, timestamp, removed);
        }

        if (visit.ViewsLeft > 0)
        {
            visit.ViewsLeft--;
            var u = _random.NextDouble();
            var product = (int)(u * u * CatalogSize);
            if (_random.NextDouble() < AddToCartRate)
            {
                visit.PendingAdd = product;
            }

            return Track(messageId, userId, EcommerceEvents.ProductViewed, timestamp, product);
        }

        if (cart.Count > 0 && _random.NextDouble() < CheckoutRate)
        {
            var products = cart.ConvertAll(index => _products[index]);
            visit.Phase = _random.NextDouble() < OrderRate ? Phase.Order : Phase.Browse;
            visit.Done = visit.Phase == Phase.Browse;
            return Ecommerce.CheckoutStarted(messageId, userId, timestamp, products, Total(products));
        }

        visit.Done = true;
        return new SegmentEvent
        {
            MessageId = messageId, Type = SegmentEventType.Page, UserId = userId, Name = "Exit", Timestamp = timestamp,
            Properties = _pageProperties[0],
        };
    }

    private SegmentEvent Track(string messageId, string userId, string name, DateTimeOffset timestamp, int product) => new()
    {
        MessageId = messageId, Type = SegmentEventType.Track, UserId = userId, Event = name, Timestamp = timestamp,
        Properties = _productProperties[product],
    };

    private static Dictionary<string, object?> Traits(int user) => new(StringComparer.Ordinal)
    {
        ["email"] = string.Create(CultureInfo.InvariantCulture, $"customer.{user}@example.com"),
        ["first_name"] = "Customer",
        ["plan"] = (user & 7) == 0 ? "gold" : "basic",
    };

    private static decimal Total(List<Product> products)
    {
        var total = 0m;
        foreach (var product in products)
        {
            total += (product.Price ?? 0m) * product.Quantity;
        }

        return total;
    }

    private enum Phase
    {
        Identify,
        Landing,
        Browse,
        Order,
    }

    private sealed class Visit
    {
        public int User { get; set; }

        public Phase Phase { get; set; }

        public int ViewsLeft { get; set; }

        public int PendingAdd { get; set; }

        public bool Done { get; set; }
    }
}
