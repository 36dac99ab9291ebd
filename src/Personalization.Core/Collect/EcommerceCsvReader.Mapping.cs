using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Collect;

public static partial class EcommerceCsvReader
{
    private const int EventTime = 0;
    private const int EventType = 1;
    private const int ProductId = 2;
    private const int CategoryId = 3;
    private const int CategoryCode = 4;
    private const int Brand = 5;
    private const int Price = 6;
    private const int UserId = 7;
    private const int UserSession = 8;

    // Turns the fields of one row into an event. `text` holds the fields, `raw` is the row as read (hashed for the id).
    private static SegmentParseResult Map(string text, string raw, ReadOnlySpan<Range> fields, long lineNumber)
    {
        if (fields.Length != FieldCount)
        {
            var found = fields.Length > FieldCount ? CountFields(raw) : fields.Length;
            return Fail(IngestReasons.Malformed, lineNumber,
                $"expected {FieldCount} fields ({Header}), found {found}; the row is cut off or is not REES46 CSV.");
        }

        var span = text.AsSpan();
        var eventName = EventName(span[fields[EventType]]);
        if (eventName is null)
        {
            return Fail(IngestReasons.Malformed, lineNumber,
                $"event_type '{span[fields[EventType]]}' is not one of view, cart, remove_from_cart, purchase.");
        }

        if (!TryParseTime(span[fields[EventTime]], out var timestamp))
        {
            return Fail(IngestReasons.InvalidTimestamp, lineNumber,
                $"event_time '{span[fields[EventTime]]}' is not a UTC time like '2019-10-01 00:00:00 UTC'.");
        }

        var userId = span[fields[UserId]].Trim();
        if (userId.IsEmpty)
        {
            return Fail(IngestReasons.Malformed, lineNumber, "user_id is empty.");
        }

        var productId = span[fields[ProductId]].Trim();
        if (productId.IsEmpty)
        {
            return Fail(IngestReasons.Malformed, lineNumber, "product_id is empty.");
        }

        var priceText = span[fields[Price]];
        if (!double.TryParse(priceText, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || !double.IsFinite(price) || price < 0)
        {
            return Fail(IngestReasons.Malformed, lineNumber, $"price '{priceText}' is not a non-negative number.");
        }

        var product = new Dictionary<string, object?>(8, StringComparer.Ordinal)
        {
            ["product_id"] = productId.ToString(),
            ["category_id"] = span[fields[CategoryId]].ToString(),
        };
        AddIfPresent(product, "category", span[fields[CategoryCode]]);
        AddIfPresent(product, "brand", span[fields[Brand]]);
        product["price"] = price;
        product["quantity"] = 1L;

        IReadOnlyDictionary<string, object?> properties = product;
        if (ReferenceEquals(eventName, EcommerceEvents.OrderCompleted))
        {
            properties = new Dictionary<string, object?>(product, StringComparer.Ordinal)
            {
                ["revenue"] = price,
                ["products"] = new List<object?>(1) { product },
            };
        }

        var session = span[fields[UserSession]].Trim();
        IReadOnlyDictionary<string, object?> context = session.IsEmpty
            ? s_noContext
            : new Dictionary<string, object?>(1, StringComparer.Ordinal) { ["session_id"] = session.ToString() };

        return SegmentParseResult.Ok(new SegmentEvent
        {
            MessageId = HashRow(raw),
            Type = SegmentEventType.Track,
            UserId = userId.ToString(),
            Event = eventName,
            Timestamp = timestamp,
            Properties = properties,
            Context = context,
        });
    }

    private static readonly Dictionary<string, object?> s_noContext = new(0);

    private static string? EventName(ReadOnlySpan<char> eventType) => eventType switch
    {
        "view" => EcommerceEvents.ProductViewed,
        "cart" => EcommerceEvents.ProductAdded,
        "remove_from_cart" => EcommerceEvents.ProductRemoved,
        "purchase" => EcommerceEvents.OrderCompleted,
        _ => null,
    };

    private static void AddIfPresent(Dictionary<string, object?> values, string name, ReadOnlySpan<char> value)
    {
        value = value.Trim();
        if (!value.IsEmpty)
        {
            values[name] = value.ToString();
        }
    }

    // The format's own shape, "2019-10-01 00:00:00 UTC", is read by hand (millions of rows); anything else that is
    // ISO-8601 goes through the framework's parser, and a time without an offset is taken as UTC.
    private static bool TryParseTime(ReadOnlySpan<char> text, out DateTimeOffset timestamp)
    {
        text = text.Trim();
        if (text.Length == 23 && text.EndsWith(" UTC", StringComparison.Ordinal)
            && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' && text[16] == ':'
            && TryDigits(text.Slice(0, 4), out var year) && TryDigits(text.Slice(5, 2), out var month)
            && TryDigits(text.Slice(8, 2), out var day) && TryDigits(text.Slice(11, 2), out var hour)
            && TryDigits(text.Slice(14, 2), out var minute) && TryDigits(text.Slice(17, 2), out var second))
        {
            if (year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
                && hour < 24 && minute < 60 && second < 60)
            {
                timestamp = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
                return true;
            }

            timestamp = default;
            return false;
        }

        if (text.EndsWith(" UTC", StringComparison.Ordinal))
        {
            text = text[..^4];
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    // The first 128 bits of SHA-256 of the row's UTF-8 text, as 32 lowercase hex digits.
    private static string HashRow(string raw)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(raw.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(raw, buffer);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..length], hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int CountFields(string row) => row.AsSpan().Count(',') + 1;

    private static SegmentParseResult Fail(string reason, long lineNumber, string problem) =>
        SegmentParseResult.Fail(reason, Line(lineNumber, problem));
}
