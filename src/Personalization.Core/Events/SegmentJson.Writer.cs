using System.Text.Json;

namespace Personalization.Events;

public static partial class SegmentJson
{
    /// <summary>Writes <paramref name="event"/> as one Segment JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, SegmentEvent @event)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(@event);
        writer.WriteStartObject();
        writer.WriteString("type"u8, TypeName(@event.Type));
        writer.WriteString("messageId"u8, @event.MessageId);
        WriteIfPresent(writer, "userId"u8, @event.UserId);
        WriteIfPresent(writer, "anonymousId"u8, @event.AnonymousId);
        WriteIfPresent(writer, "event"u8, @event.Event);
        WriteIfPresent(writer, "name"u8, @event.Name);
        WriteIfPresent(writer, "previousId"u8, @event.PreviousId);
        writer.WriteString("timestamp"u8, @event.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        WriteValues(writer, "properties"u8, @event.Properties);
        WriteValues(writer, "traits"u8, @event.Traits);
        WriteValues(writer, "context"u8, @event.Context);
        writer.WriteEndObject();
    }

    /// <summary>Serializes <paramref name="event"/> as one line of Segment JSON.</summary>
    public static string Serialize(SegmentEvent @event)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, @event);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The Segment spelling of <paramref name="type"/> (<c>track</c>, <c>identify</c>, ...).</summary>
    public static string TypeName(SegmentEventType type) => type switch
    {
        SegmentEventType.Track => "track",
        SegmentEventType.Identify => "identify",
        SegmentEventType.Page => "page",
        SegmentEventType.Screen => "screen",
        SegmentEventType.Group => "group",
        SegmentEventType.Alias => "alias",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown Segment event type."),
    };

    private static void WriteIfPresent(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteValues(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyDictionary<string, object?> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WritePropertyName(name);
        WriteValue(writer, values);
    }

    /// <summary>
    /// Writes a JSON-like value (see <see cref="SegmentEvent"/>) as JSON: strings, numbers of any integer or floating
    /// type, booleans, null, dictionaries (as objects) and other sequences (as arrays); anything else as its
    /// invariant-culture string. Use it to export properties or profile traits.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case byte or sbyte or short or ushort or uint: writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case double d: writer.WriteNumberValue(d); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case float f: writer.WriteNumberValue(f); break;
            case DateTimeOffset t: writer.WriteStringValue(t); break;
            case DateTime t: writer.WriteStringValue(t); break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IDictionary map:
                writer.WriteStartObject();
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
