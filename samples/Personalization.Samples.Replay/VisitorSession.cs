using Personalization.Events;

namespace Personalization.Samples.Replay;

/// <summary>What a visit does next: one planned event of a session.</summary>
internal enum VisitStep
{
    Page,
    Identify,
    ProductViewed,
    ProductAdded,
    ProductRemoved,
    CartViewed,
    CheckoutStarted,
    OrderCompleted,
}

/// <summary>One visit of one user: a planned funnel of events (land, browse, add, maybe check out), emitted one at a time.</summary>
internal sealed class VisitorSession
{
    // Funnel rates, per viewed product or per session; tuned to look like a general online store.
    private const double AddToCartRate = 0.20;
    private const double RemoveRate = 0.06;
    private const double BrowsePageRate = 0.15;
    private const double CartViewRate = 0.50;
    private const double CheckoutRate = 0.45;
    private const double OrderRate = 0.75;

    private static readonly string[] s_landingPages = ["Home", "Category", "Search", "Deals"];

    private readonly List<(VisitStep Step, object? Detail)> _steps = new(32);
    private readonly List<Product> _cart = new(8);
    private int _next;

    /// <summary>The user index of this visit.</summary>
    public int User { get; private set; }

    /// <summary>Whether the user browses with an anonymous id (cookie) before and after identifying.</summary>
    public bool HasAnonymousId { get; private set; }

    /// <summary>Whether the user has identified, so events carry the user id.</summary>
    public bool Identified { get; set; }

    public bool HasNext => _next < _steps.Count;

    /// <summary>Plans the visit of <paramref name="user"/>: the whole funnel is drawn up front, the cart along with it.</summary>
    public void Plan(int user, bool hasAnonymousId, bool identified, bool firstVisit, ShopCatalog catalog, Random random)
    {
        User = user;
        HasAnonymousId = hasAnonymousId;
        Identified = identified;
        _steps.Clear();
        _cart.Clear();
        _next = 0;

        var willBeIdentified = identified;
        if (!willBeIdentified && !hasAnonymousId)
        {
            // A customer who signs up in the app: identified from the first event on.
            _steps.Add((VisitStep.Identify, null));
            willBeIdentified = true;
        }

        _steps.Add((VisitStep.Page, s_landingPages[random.Next(s_landingPages.Length)]));
        if (!willBeIdentified && !firstVisit && random.NextDouble() < 0.5)
        {
            // Anonymous visitors sometimes log in on a return visit.
            _steps.Add((VisitStep.Identify, null));
            willBeIdentified = true;
        }

        var views = 1 + Geometric(random, 2.5, 20);
        for (var i = 0; i < views; i++)
        {
            if (random.NextDouble() < BrowsePageRate)
            {
                _steps.Add((VisitStep.Page, random.NextDouble() < 0.5 ? "Category" : "Search"));
            }

            var product = catalog.Pick(random);
            _steps.Add((VisitStep.ProductViewed, product));
            if (random.NextDouble() < AddToCartRate)
            {
                var added = product with { Quantity = random.NextDouble() < 0.15 ? 2 : 1 };
                _cart.Add(added);
                _steps.Add((VisitStep.ProductAdded, added));
            }

            if (_cart.Count > 0 && random.NextDouble() < RemoveRate)
            {
                var index = random.Next(_cart.Count);
                _steps.Add((VisitStep.ProductRemoved, _cart[index]));
                _cart.RemoveAt(index);
            }
        }

        if (_cart.Count > 0)
        {
            var cart = _cart.ToArray();
            if (random.NextDouble() < CartViewRate)
            {
                _steps.Add((VisitStep.CartViewed, cart));
            }

            if (random.NextDouble() < CheckoutRate)
            {
                if (!willBeIdentified && random.NextDouble() < 0.9)
                {
                    // Checking out asks for an account or at least an email: most visitors identify here.
                    _steps.Add((VisitStep.Identify, null));
                    willBeIdentified = true;
                }

                _steps.Add((VisitStep.CheckoutStarted, cart));
                if (random.NextDouble() < OrderRate)
                {
                    _steps.Add((VisitStep.OrderCompleted, cart));
                }
            }
        }
        else if (!willBeIdentified && random.NextDouble() < 0.2)
        {
            // A newsletter sign-up at the end of a visit.
            _steps.Add((VisitStep.Identify, null));
        }
    }

    /// <summary>The next planned step and its detail: a page name, a <see cref="Product"/> or the cart's products.</summary>
    public (VisitStep Step, object? Detail) Next() => _steps[_next++];

    private static int Geometric(Random random, double mean, int max)
    {
        var p = 1.0 / (1.0 + mean);
        var n = (int)Math.Floor(Math.Log(1.0 - random.NextDouble()) / Math.Log(1.0 - p));
        return Math.Min(n, max);
    }
}
