using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalization.Ingest;

namespace Personalization.Events;

/// <summary>
/// Reads and writes Segment-spec JSON: one event (<c>{"type": "track", ...}</c>) or a batch
/// (<c>{"batch": [ ... ]}</c>). Reading never throws on bad input: every event gets a
/// <see cref="SegmentParseResult"/> with a reason code.
/// </summary>
public static partial class SegmentJson
{
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses one Segment event from UTF-8 JSON.</summary>
    public static SegmentParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, s_readerOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return SegmentParseResult.Fail(IngestReasons.Malformed, "The payload is not a JSON object.");
            }

            var result = ReadEvent(ref reader);
            if (reader.Read())
            {
                return SegmentParseResult.Fail(IngestReasons.Malformed, "The payload has data after the JSON object.");
            }

            return result;
        }
        catch (JsonException ex)
        {
            return SegmentParseResult.Fail(IngestReasons.Malformed, $"The payload is not valid JSON: {ex.Message}");
        }
        catch (DecoderFallbackException ex)
        {
            return SegmentParseResult.Fail(IngestReasons.Malformed, $"The payload is not valid UTF-8: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return SegmentParseResult.Fail(IngestReasons.Malformed, $"The payload is not valid UTF-8: {ex.Message}");
        }
    }

    /// <summary>Parses one Segment event from a JSON string.</summary>
    public static SegmentParseResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// Parses a Segment batch (<c>{"batch": [...]}</c>) or a single event, giving one result per event in order.
    /// A payload that is not valid JSON at all gives a single <see cref="IngestReasons.Malformed"/> result.
    /// </summary>
    public static IReadOnlyList<SegmentParseResult> ParseBatch(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var probe = new Utf8JsonReader(utf8Json, s_readerOptions);
            if (!probe.Read() || probe.TokenType != JsonTokenType.StartObject)
            {
                return [SegmentParseResult.Fail(IngestReasons.Malformed, "The payload is not a JSON object.")];
            }

            if (!TryFindBatch(ref probe))
            {
                return [Parse(utf8Json)];
            }

            var results = new List<SegmentParseResult>();
            while (probe.Read() && probe.TokenType != JsonTokenType.EndArray)
            {
                if (probe.TokenType != JsonTokenType.StartObject)
                {
                    probe.Skip();
                    results.Add(SegmentParseResult.Fail(IngestReasons.Malformed, $"Batch item {results.Count} is not a JSON object."));
                    continue;
                }

                results.Add(ReadEvent(ref probe));
            }

            return results;
        }
        catch (JsonException ex)
        {
            return [SegmentParseResult.Fail(IngestReasons.Malformed, $"The batch is not valid JSON: {ex.Message}")];
        }
        catch (InvalidOperationException ex)
        {
            return [SegmentParseResult.Fail(IngestReasons.Malformed, $"The batch is not valid UTF-8: {ex.Message}")];
        }
    }

    // Moves the reader to the start of the "batch" array if the top-level object has one.
    private static bool TryFindBatch(ref Utf8JsonReader reader)
    {
        var copy = reader;
        while (copy.Read() && copy.TokenType == JsonTokenType.PropertyName)
        {
            var isBatch = copy.ValueTextEquals("batch"u8);
            copy.Read();
            if (isBatch && copy.TokenType == JsonTokenType.StartArray)
            {
                reader = copy;
                return true;
            }

            copy.Skip();
        }

        return false;
    }

    // Reads one event object; the reader is on its StartObject and ends on its EndObject.
    private static SegmentParseResult ReadEvent(ref Utf8JsonReader reader)
    {
        var fields = new EventFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadField(ref reader, ref fields);
        }

        return fields.ToResult();
    }

    private static void ReadField(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (reader.ValueTextEquals("messageId"u8)) { fields.MessageId = ReadString(ref reader); }
        else if (reader.ValueTextEquals("type"u8)) { fields.Type = ReadString(ref reader); }
        else if (reader.ValueTextEquals("userId"u8)) { fields.UserId = ReadId(ref reader); }
        else if (reader.ValueTextEquals("anonymousId"u8)) { fields.AnonymousId = ReadId(ref reader); }
        else if (reader.ValueTextEquals("event"u8)) { fields.Event = ReadString(ref reader); }
        else if (reader.ValueTextEquals("name"u8)) { fields.Name = ReadString(ref reader); }
        else if (reader.ValueTextEquals("previousId"u8)) { fields.PreviousId = ReadId(ref reader); }
        else if (reader.ValueTextEquals("timestamp"u8)) { fields.ReadTimestamp(ref reader); }
        else if (reader.ValueTextEquals("properties"u8)) { fields.Properties = ReadObjectOrNull(ref reader); }
        else if (reader.ValueTextEquals("traits"u8)) { fields.Traits = ReadObjectOrNull(ref reader); }
        else if (reader.ValueTextEquals("context"u8)) { fields.Context = ReadObjectOrNull(ref reader); }
        else
        {
            reader.Read();
            reader.Skip();
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    // Segment allows numeric ids; they are kept as their JSON text.
    private static string? ReadId(ref Utf8JsonReader reader)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
            default:
                reader.Skip();
                return null;
        }
    }

    private static Dictionary<string, object?>? ReadObjectOrNull(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return ReadObject(ref reader);
        }

        reader.Skip();
        return null;
    }

    private static Dictionary<string, object?> ReadObject(ref Utf8JsonReader reader)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            values[name] = ReadValue(ref reader);
        }

        return values;
    }

    private static object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                // Boxed apart: a conditional of long and double would turn every integer into a double.
                return reader.TryGetInt64(out var integer) ? (object)integer : reader.GetDouble();
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.StartObject:
                return ReadObject(ref reader);
            case JsonTokenType.StartArray:
                var items = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader));
                }

                return items;
            default:
                return null;
        }
    }

    private static bool TryParseTimestamp(string text, out DateTimeOffset timestamp) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);
}
