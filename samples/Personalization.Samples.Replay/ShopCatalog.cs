using System.Globalization;
using Personalization.Events;

namespace Personalization.Samples.Replay;

/// <summary>A seeded catalog of products: categories, brands and prices in the style of a general online store.</summary>
internal sealed class ShopCatalog
{
    private static readonly (string Category, string Noun, double MedianPrice, string[] Brands)[] s_categories =
    [
        ("electronics.smartphone", "Smartphone", 320, ["samsung", "apple", "xiaomi", "huawei", "oppo"]),
        ("electronics.audio.headphone", "Headphones", 45, ["sony", "jbl", "apple", "sennheiser"]),
        ("electronics.video.tv", "TV", 420, ["samsung", "lg", "sony", "haier"]),
        ("computers.notebook", "Notebook", 610, ["lenovo", "hp", "asus", "acer", "apple"]),
        ("computers.desktop", "Desktop PC", 780, ["pulser", "hp", "lenovo"]),
        ("appliances.kitchen.washer", "Washing Machine", 290, ["bosch", "lg", "samsung", "indesit"]),
        ("appliances.kitchen.refrigerators", "Refrigerator", 480, ["lg", "samsung", "bosch", "atlant"]),
        ("appliances.environment.vacuum", "Vacuum Cleaner", 120, ["samsung", "dyson", "philips", "vitek"]),
        ("appliances.kitchen.kettle", "Kettle", 25, ["tefal", "philips", "redmond", "bosch"]),
        ("furniture.living_room.sofa", "Sofa", 520, ["brw", "ikea", "divan"]),
        ("furniture.bedroom.bed", "Bed", 310, ["brw", "askona", "ikea"]),
        ("apparel.shoes", "Sneakers", 70, ["nike", "adidas", "puma", "respect"]),
        ("apparel.jeans", "Jeans", 55, ["levis", "wrangler", "lee"]),
        ("kids.toys", "Toy", 18, ["lego", "hasbro", "mattel"]),
        ("sport.bicycle", "Bicycle", 380, ["stels", "merida", "trek"]),
        ("accessories.bag", "Bag", 40, ["samsonite", "xiaomi", "tommy"]),
        ("construction.tools.drill", "Drill", 85, ["bosch", "makita", "dewalt"]),
        ("auto.accessories.player", "Car Player", 60, ["pioneer", "kenwood", "alpine"]),
        ("beauty.fragrance", "Perfume", 48, ["shiseido", "creed", "dior"]),
        ("country_yard.lawn_mower", "Lawn Mower", 230, ["husqvarna", "bosch", "makita"]),
    ];

    private readonly Product[] _products;

    public ShopCatalog(int seed, int size = 5_000)
    {
        var random = new Random(seed);
        _products = new Product[size];
        for (var i = 0; i < size; i++)
        {
            var (category, noun, median, brands) = s_categories[random.Next(s_categories.Length)];
            var brand = brands[random.Next(brands.Length)];
            // Log-normal around the category's median price, like real price lists.
            var price = Math.Round(median * Math.Exp(0.45 * Gaussian(random)), 2);
            var id = (1_000_000 + (i * 7_919 % 9_000_000)).ToString(CultureInfo.InvariantCulture);
            var name = string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(brand[0])}{brand[1..]} {noun} {100 + random.Next(900)}");
            _products[i] = new Product(id, (decimal)Math.Max(0.99, price), 1, name, brand, category);
        }
    }

    public int Count => _products.Length;

    /// <summary>A product picked by popularity: a few best sellers get most of the views.</summary>
    public Product Pick(Random random)
    {
        var u = random.NextDouble();
        return _products[(int)(u * u * u * _products.Length)];
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
