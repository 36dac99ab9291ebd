using System.Collections;
using System.Globalization;
using Personalization.Events;

namespace Personalization.Ingest;

internal sealed partial class EventValidator
{
    // The Segment e-commerce amounts; each must be a finite non-negative number (or a numeric string of one).
    private static readonly string[] s_amountKeys = ["price", "revenue", "total", "value", "quantity"];

    /// <summary>The checks of an event whose required fields are there: identities, timestamp, amounts, tracking plan.</summary>
    internal SegmentParseResult CheckContent(SegmentEvent @event)
    {
        var messageId = @event.MessageId;
        if ((JunkId("userId", @event.UserId) ?? JunkId("anonymousId", @event.AnonymousId)
            ?? (@event.Type == SegmentEventType.Alias ? JunkId("previousId", @event.PreviousId, emptyIsJunk: true) : null)) is { } junk)
        {
            return SegmentParseResult.Fail(IngestReasons.JunkIdentity, $"Event '{messageId}' {junk}", messageId);
        }

        if (_maxFutureSkew is { } skew)
        {
            var now = _timeProvider.GetUtcNow();
            if (@event.Timestamp - now > skew)
            {
                return SegmentParseResult.Fail(IngestReasons.FutureTimestamp, string.Create(CultureInfo.InvariantCulture,
                    $"Event '{messageId}' has timestamp {@event.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}, {Duration(@event.Timestamp - now)} ahead of the pipeline's clock ({now:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}); at most {Duration(skew)} is allowed (ValidationOptions.MaxFutureSkew). Check the sending device's clock."),
                    messageId);
            }
        }

        if (CheckAmounts(@event.Properties, "properties") is { } amount)
        {
            return SegmentParseResult.Fail(IngestReasons.InvalidProperty,
                $"Event '{messageId}' has {amount}; e-commerce amounts (price, revenue, total, value, quantity) must be finite non-negative numbers, or strings of one such as \"12.50\".",
                messageId);
        }

        return CheckPlan(@event);
    }

    // Why an id is junk, or null. An empty id is absent unless emptyIsJunk (the required-field check has already
    // rejected an event whose only id is empty).
    private string? JunkId(string field, string? id, bool emptyIsJunk = false)
    {
        if (id is null || (id.Length == 0 && !emptyIsJunk))
        {
            return null;
        }

        var trimmed = id.Trim();
        if (trimmed.Length == 0)
        {
            return $"has a blank {field}; send the real id, or leave {field} out.";
        }

        return _junkIds.Contains(trimmed)
            ? $"has {field} \"{id}\", a placeholder that clients send in place of an id (ValidationOptions.JunkIds); send the real id, or leave {field} out."
            : null;
    }

    // The first bad amount as "properties.price = -5", or null. The path of a product is only built for a bad one.
    private static string? CheckAmounts(IReadOnlyDictionary<string, object?> properties, string path)
    {
        if (properties.Count == 0)
        {
            return null;
        }

        if (BadAmount(properties) is { } key)
        {
            return $"{path}.{key} = {Describe(properties[key]!)}";
        }

        if (properties.TryGetValue("products", out var products) && products is IEnumerable items and not string)
        {
            var index = 0;
            foreach (var item in items)
            {
                if (item is IReadOnlyDictionary<string, object?> product && CheckAmounts(product, path, index) is { } bad)
                {
                    return bad;
                }

                index++;
            }
        }

        return null;
    }

    private static string? CheckAmounts(IReadOnlyDictionary<string, object?> product, string path, int index) =>
        product.Count == 0 || (BadAmount(product) is null && !product.ContainsKey("products"))
            ? null
            : CheckAmounts(product, string.Create(CultureInfo.InvariantCulture, $"{path}.products[{index}]"));

    private static string? BadAmount(IReadOnlyDictionary<string, object?> values)
    {
        foreach (var key in s_amountKeys)
        {
            if (values.TryGetValue(key, out var value) && value is not null && !IsAmount(value))
            {
                return key;
            }
        }

        return null;
    }

    private static bool IsAmount(object value) => value switch
    {
        long l => l >= 0,
        int i => i >= 0,
        double d => double.IsFinite(d) && d >= 0,
        decimal m => m >= 0,
        float f => float.IsFinite(f) && f >= 0,
        byte or ushort or uint or ulong => true,
        sbyte or short => Convert.ToInt64(value, CultureInfo.InvariantCulture) >= 0,

        // Segment clients send amounts as strings too, and the profile updater reads them; only a plain number counts.
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) && parsed >= 0,
        _ => false,
    };

    private static string Describe(object value) => value switch
    {
        string s => $"\"{(s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 64), "..."))}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable => "a list or object",
        _ => value.GetType().Name,
    };

    // The limits for an event handed over as an object (a parsed event was held to them while it was read).
    private string? CheckObjectLimits(SegmentEvent @event)
    {
        var keys = 0;
        return CheckLength(@event.Event) ?? CheckLength(@event.Name)
            ?? CheckValue(@event.Properties, 2, countKeys: true, ref keys)
            ?? CheckValue(@event.Traits, 2, countKeys: true, ref keys)
            ?? CheckValue(@event.Context, 2, countKeys: false, ref keys);
    }

    private string? CheckValue(object? value, int level, bool countKeys, ref int keys)
    {
        switch (value)
        {
            case string s:
                return CheckLength(s);
            case Dictionary<string, object?> dictionary:
                // The shape the parser builds: its struct enumerator allocates nothing.
                if (level > Limits.MaxDepth)
                {
                    return DepthError();
                }

                foreach (var (key, item) in dictionary)
                {
                    if (CheckEntry(key, item, level, countKeys, ref keys) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case IReadOnlyDictionary<string, object?> map:
                if (level > Limits.MaxDepth)
                {
                    return DepthError();
                }

                foreach (var (key, item) in map)
                {
                    if (CheckEntry(key, item, level, countKeys, ref keys) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case List<object?> list:
                if (level > Limits.MaxDepth)
                {
                    return DepthError();
                }

                foreach (var item in list)
                {
                    if (CheckValue(item, level + 1, countKeys, ref keys) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case IEnumerable items:
                if (level > Limits.MaxDepth)
                {
                    return DepthError();
                }

                foreach (var item in items)
                {
                    if (CheckValue(item, level + 1, countKeys, ref keys) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private string? CheckEntry(string key, object? item, int level, bool countKeys, ref int keys)
    {
        if (countKeys && ++keys > Limits.MaxProperties)
        {
            return string.Create(CultureInfo.InvariantCulture, $"has more than {Limits.MaxProperties} keys in properties and traits (ValidationOptions.MaxProperties)");
        }

        return CheckLength(key) ?? CheckValue(item, level + 1, countKeys, ref keys);
    }

    private static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.#} days"),
        { TotalHours: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} hours"),
        { TotalMinutes: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} minutes"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} seconds"),
    };

    private string DepthError() => string.Create(CultureInfo.InvariantCulture, $"nests deeper than {Limits.MaxDepth} levels (ValidationOptions.MaxDepth)");

    private string? CheckLength(string? text) => text is null || text.Length <= Limits.MaxStringLength
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"has a string of {text.Length} characters; the limit is {Limits.MaxStringLength} (ValidationOptions.MaxStringLength)");
}
