using System.Text.Json;
using Personalization.Events;

namespace Personalization.Benchmarks.Events;

/// <summary>
/// The baseline: what a developer would write by hand with <see cref="JsonDocument"/> to get the same
/// <see cref="SegmentEvent"/> out of Segment JSON (the same fields, properties and context as dictionaries).
/// It checks less than <see cref="SegmentJson"/> does: a bad event throws instead of giving a reason code.
/// </summary>
internal static class JsonDocumentSegmentReader
{
    public static SegmentEvent Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        return ReadEvent(document.RootElement);
    }

    public static List<SegmentEvent> ParseBatch(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        var batch = document.RootElement.GetProperty("batch");
        var events = new List<SegmentEvent>(batch.GetArrayLength());
        foreach (var item in batch.EnumerateArray())
        {
            events.Add(ReadEvent(item));
        }

        return events;
    }

    private static SegmentEvent ReadEvent(JsonElement root) => new()
    {
        MessageId = root.GetProperty("messageId").GetString()!,
        Type = ParseType(root.GetProperty("type").GetString()),
        UserId = GetString(root, "userId"),
        AnonymousId = GetString(root, "anonymousId"),
        Event = GetString(root, "event"),
        Name = GetString(root, "name"),
        PreviousId = GetString(root, "previousId"),
        Timestamp = root.GetProperty("timestamp").GetDateTimeOffset().ToUniversalTime(),
        Properties = GetObject(root, "properties"),
        Traits = GetObject(root, "traits"),
        Context = GetObject(root, "context"),
    };

    private static SegmentEventType ParseType(string? type) => type switch
    {
        "track" => SegmentEventType.Track,
        "identify" => SegmentEventType.Identify,
        "page" => SegmentEventType.Page,
        "screen" => SegmentEventType.Screen,
        "group" => SegmentEventType.Group,
        "alias" => SegmentEventType.Alias,
        _ => throw new JsonException($"Unknown event type '{type}'."),
    };

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, object?> GetObject(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? ToDictionary(value)
            : new Dictionary<string, object?>(0, StringComparer.Ordinal);

    private static Dictionary<string, object?> ToDictionary(JsonElement element)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            values[property.Name] = ToValue(property.Value);
        }

        return values;
    }

    private static object? ToValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                // Boxed apart: a conditional of long and double would make every integer a double.
                return element.TryGetInt64(out var integer) ? (object)integer : element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Object:
                return ToDictionary(element);
            case JsonValueKind.Array:
                var items = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    items.Add(ToValue(item));
                }

                return items;
            default:
                return null;
        }
    }
}
