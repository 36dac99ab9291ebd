using System.Globalization;
using System.Text;

namespace Personalization.Benchmarks.Events;

/// <summary>Segment JSON as a browser library sends it: a <c>Product Added</c> call with properties and context.</summary>
internal static class SegmentSamples
{
    private const string ProductAddedTemplate = """
        {
          "type": "track",
          "event": "Product Added",
          "messageId": "ajs-next-$ID$",
          "anonymousId": "507f191e-810c-19729-de86-0$USER4$",
          "userId": "user-$USER$",
          "timestamp": "2026-11-29T10:15:$SEC$.123Z",
          "sentAt": "2026-11-29T10:15:$SEC$.250Z",
          "originalTimestamp": "2026-11-29T10:15:$SEC$.123Z",
          "properties": {
            "cart_id": "skdjsidjsdkdj29j",
            "product_id": "507f1f77bcf86cd79943901$USER$",
            "sku": "G-32",
            "category": "Games",
            "name": "Monopoly: 3rd Edition",
            "brand": "Hasbro",
            "variant": "200 pieces",
            "price": 18.99,
            "quantity": 1,
            "coupon": "MAYDEALS",
            "position": 3,
            "url": "https://www.example.com/product/path",
            "image_url": "https://www.example.com/product/path.jpg"
          },
          "context": {
            "ip": "203.0.113.17",
            "locale": "en-US",
            "library": { "name": "analytics.js", "version": "next-1.70.0" },
            "page": {
              "path": "/product/path",
              "referrer": "https://www.example.com/search?q=monopoly",
              "search": "",
              "title": "Monopoly: 3rd Edition",
              "url": "https://www.example.com/product/path"
            },
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "campaign": { "name": "winter", "source": "newsletter", "medium": "email" }
          },
          "integrations": {}
        }
        """;

    /// <summary>One <c>Product Added</c> event (about 1.3 KB of UTF-8).</summary>
    public static byte[] ProductAdded() => Encoding.UTF8.GetBytes(ProductAddedEvent(0));

    /// <summary>A Segment batch (<c>{"batch": [...]}</c>) of <paramref name="count"/> such events of different users.</summary>
    public static byte[] Batch(int count)
    {
        var json = new StringBuilder("{\"batch\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append(ProductAddedEvent(i));
        }

        json.Append("],\"sentAt\":\"2026-11-29T10:16:00.000Z\"}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static string ProductAddedEvent(int index)
    {
        var user = index % 10_000;
        return ProductAddedTemplate
            .Replace("$ID$", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$USER4$", user.ToString("D4", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$USER$", user.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$SEC$", (index % 60).ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
