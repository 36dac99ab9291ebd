using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Personalization.Events;

/// <summary>The limits one event's JSON is read under (see <see cref="Ingest.ValidationOptions"/>).</summary>
/// <param name="MaxDepth">The deepest nesting, the event object being level 1.</param>
/// <param name="MaxProperties">The most keys in <c>properties</c> and <c>traits</c>, at all levels.</param>
/// <param name="MaxStringLength">The longest string (value or key), in UTF-16 characters.</param>
internal readonly record struct ReadLimits(int MaxDepth, int MaxProperties, int MaxStringLength);

public static partial class SegmentJson
{
    // The reader itself never stops on depth: nesting past ReadLimits.MaxDepth is a too_large rejection, not malformed.
    // Its depth bookkeeping costs a bit per level, and the nesting is bounded by the payload's length.
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = int.MaxValue, CommentHandling = JsonCommentHandling.Disallow };

    // Reads one event object; the reader is on its StartObject and ends on its EndObject.
    private static void ReadEvent(ref Utf8JsonReader reader, ref EventFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            CheckLength(ref reader, ref fields);
            ReadField(ref reader, ref fields);
        }
    }

    private static void ReadField(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (reader.ValueTextEquals("messageId"u8)) { fields.MessageId = ReadString(ref reader, ref fields); }
        else if (reader.ValueTextEquals("type"u8)) { fields.Type = ReadString(ref reader, ref fields); }
        else if (reader.ValueTextEquals("userId"u8)) { fields.UserId = ReadId(ref reader, ref fields); }
        else if (reader.ValueTextEquals("anonymousId"u8)) { fields.AnonymousId = ReadId(ref reader, ref fields); }
        else if (reader.ValueTextEquals("event"u8)) { fields.Event = ReadString(ref reader, ref fields); }
        else if (reader.ValueTextEquals("name"u8)) { fields.Name = ReadString(ref reader, ref fields); }
        else if (reader.ValueTextEquals("previousId"u8)) { fields.PreviousId = ReadId(ref reader, ref fields); }
        else if (reader.ValueTextEquals("timestamp"u8)) { fields.ReadTimestamp(ref reader); }
        else if (reader.ValueTextEquals("properties"u8)) { fields.Properties = ReadObjectOrNull(ref reader, ref fields, countKeys: true); }
        else if (reader.ValueTextEquals("traits"u8)) { fields.Traits = ReadObjectOrNull(ref reader, ref fields, countKeys: true); }
        else if (reader.ValueTextEquals("context"u8)) { fields.Context = ReadObjectOrNull(ref reader, ref fields, countKeys: false); }
        else
        {
            reader.Read();
            SkipChecked(ref reader, ref fields);
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader, ref EventFields fields)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return CheckLength(ref reader, ref fields) ? reader.GetString() : null;
        }

        SkipChecked(ref reader, ref fields);
        return null;
    }

    // Segment allows numeric ids; they are kept as their JSON text.
    private static string? ReadId(ref Utf8JsonReader reader, ref EventFields fields)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return CheckLength(ref reader, ref fields) ? reader.GetString() : null;
            case JsonTokenType.Number:
                return NumberText(ref reader);
            default:
                SkipChecked(ref reader, ref fields);
                return null;
        }
    }

    private static Dictionary<string, object?>? ReadObjectOrNull(ref Utf8JsonReader reader, ref EventFields fields, bool countKeys)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject && CheckDepth(ref reader, ref fields))
        {
            return ReadObject(ref reader, ref fields, countKeys);
        }

        SkipChecked(ref reader, ref fields);
        return null;
    }

    private static Dictionary<string, object?> ReadObject(ref Utf8JsonReader reader, ref EventFields fields, bool countKeys)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (countKeys && ++fields.KeyCount == fields.Limits.MaxProperties + 1)
            {
                fields.LimitError ??= string.Create(CultureInfo.InvariantCulture,
                    $"has more than {fields.Limits.MaxProperties} keys in properties and traits (ValidationOptions.MaxProperties)");
            }

            var name = CheckLength(ref reader, ref fields) ? reader.GetString()! : string.Empty;
            reader.Read();
            values[name] = ReadValue(ref reader, ref fields, countKeys);
        }

        return values;
    }

    private static object? ReadValue(ref Utf8JsonReader reader, ref EventFields fields, bool countKeys)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return CheckLength(ref reader, ref fields) ? reader.GetString() : null;
            case JsonTokenType.Number:
                // Boxed apart: a conditional of long and double would turn every integer into a double. A number out of
                // double's range (1e400) is kept as its text, so no infinity enters a profile; amount checks reject it.
                if (reader.TryGetInt64(out var integer))
                {
                    return integer;
                }

                return reader.TryGetDouble(out var real) && double.IsFinite(real) ? real : NumberText(ref reader);
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.StartObject:
                return CheckDepth(ref reader, ref fields) ? ReadObject(ref reader, ref fields, countKeys) : null;
            case JsonTokenType.StartArray:
                if (!CheckDepth(ref reader, ref fields))
                {
                    return null;
                }

                var items = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, ref fields, countKeys));
                }

                return items;
            default:
                return null;
        }
    }

    // Skips the value the reader is on, still holding its strings and nesting to the limits. Iterative: a deep value
    // does not deepen the stack.
    private static void SkipChecked(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                CheckLength(ref reader, ref fields);
            }

            return;
        }

        var start = reader.CurrentDepth;
        if (!CheckDepth(ref reader, ref fields))
        {
            return;
        }

        while (reader.Read() && reader.CurrentDepth > start)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    CheckDepth(ref reader, ref fields);
                    break;
                case JsonTokenType.String or JsonTokenType.PropertyName:
                    CheckLength(ref reader, ref fields);
                    break;
            }
        }
    }

    // On a StartObject or StartArray: whether its level is within the limit; if not, records the error and skips the
    // container (the reader ends on its end token).
    private static bool CheckDepth(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (reader.CurrentDepth < fields.Limits.MaxDepth)
        {
            return true;
        }

        fields.LimitError ??= string.Create(CultureInfo.InvariantCulture, $"nests deeper than {fields.Limits.MaxDepth} levels (ValidationOptions.MaxDepth)");
        reader.Skip();
        return false;
    }

    // On a String or PropertyName: whether it is within the length limit; if not, records the error.
    private static bool CheckLength(ref Utf8JsonReader reader, ref EventFields fields)
    {
        var bytes = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        var max = fields.Limits.MaxStringLength;

        // A string never has more UTF-16 characters than its JSON has bytes (escapes included).
        if (bytes <= max)
        {
            return true;
        }

        var length = !reader.HasValueSequence && !reader.ValueIsEscaped ? Encoding.UTF8.GetCharCount(reader.ValueSpan) : reader.GetString()!.Length;
        if (length <= max)
        {
            return true;
        }

        fields.LimitError ??= string.Create(CultureInfo.InvariantCulture,
            $"has a string of {length} characters; the limit is {max} (ValidationOptions.MaxStringLength)");
        return false;
    }

    private static string NumberText(ref Utf8JsonReader reader) =>
        Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
}
