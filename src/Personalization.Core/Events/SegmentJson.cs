using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalization.Ingest;
using Personalization.Pipeline;

namespace Personalization.Events;

/// <summary>
/// Reads and writes Segment-spec JSON: one event (<c>{"type": "track", ...}</c>) or a batch
/// (<c>{"batch": [ ... ]}</c>). Reading never throws on bad input: every event gets a
/// <see cref="SegmentParseResult"/> with a reason code.
/// </summary>
public static partial class SegmentJson
{
    /// <summary>Parses and checks one Segment event from UTF-8 JSON with the default
    /// <see cref="ValidationOptions"/> and the system clock. Never throws on bad input.</summary>
    /// <remarks>A pipeline checks events with its own <see cref="PersonalizationOptions.Validation"/> and clock.</remarks>
    public static SegmentParseResult Parse(ReadOnlySpan<byte> utf8Json) => EventValidator.Default.Parse(utf8Json);

    /// <summary>Parses and checks one Segment event from a JSON string (see <see cref="Parse(ReadOnlySpan{byte})"/>).</summary>
    public static SegmentParseResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// Parses and checks a Segment batch (<c>{"batch": [...]}</c>) or a single event, giving one result per event in
    /// order, with the default <see cref="ValidationOptions"/>. A payload that is not valid JSON as a whole gives a
    /// single <see cref="IngestReasons.Malformed"/> result.
    /// </summary>
    public static IReadOnlyList<SegmentParseResult> ParseBatch(ReadOnlySpan<byte> utf8Json) => EventValidator.Default.ParseBatch(utf8Json);

    // Reads one event's JSON (the whole span is the event) and checks it with the validator: the JSON limits, then the
    // schema version (upcasting an older event when allowed), then the fields and the content. Never throws on bad
    // input; the caller attaches Raw to a rejection.
    internal static SegmentParseResult ReadEvent(ReadOnlySpan<byte> utf8Json, EventValidator validator, bool mayUpcast)
    {
        var fields = new EventFields { Limits = validator.Limits };
        try
        {
            var reader = new Utf8JsonReader(utf8Json, s_readerOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return SegmentParseResult.Fail(IngestReasons.Malformed, "The payload is not a JSON object.");
            }

            ReadEvent(ref reader, ref fields);
            if (reader.Read())
            {
                return SegmentParseResult.Fail(IngestReasons.Malformed, "The payload has data after the JSON object.");
            }
        }
        catch (JsonException ex)
        {
            return SegmentParseResult.Fail(IngestReasons.Malformed, $"The payload is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // GetString on text that is not valid Unicode, such as an escaped lone surrogate ("\ud800").
            return SegmentParseResult.Fail(IngestReasons.Malformed, $"The payload has a string that is not valid Unicode: {ex.Message}");
        }

        var messageId = string.IsNullOrEmpty(fields.MessageId) ? null : fields.MessageId;
        if (fields.LimitError is not null)
        {
            return SegmentParseResult.Fail(IngestReasons.TooLarge, $"Event '{messageId}' {fields.LimitError}.", messageId);
        }

        if (validator.NeedsUpcast(fields.Context, messageId, out var version, out var rejection))
        {
            return rejection ?? (mayUpcast
                ? validator.Upcast(utf8Json, messageId, version)
                : SegmentParseResult.Fail(IngestReasons.UnsupportedSchemaVersion, $"Event '{messageId}' is not at the current schema version after upcasting.", messageId));
        }

        var result = fields.ToResult();
        return result.Success ? validator.CheckContent(result.Event) : result;
    }

    // Splits a batch payload into its items' JSON, each parsed with parseItem; see EventValidator.ParseBatch.
    internal static IReadOnlyList<SegmentParseResult> ReadBatch(ReadOnlySpan<byte> utf8Json, EventValidator validator)
    {
        try
        {
            var probe = new Utf8JsonReader(utf8Json, s_readerOptions);
            if (!probe.Read() || probe.TokenType != JsonTokenType.StartObject)
            {
                return [SegmentParseResult.Fail(IngestReasons.Malformed, "The payload is not a JSON object.").WithRaw(utf8Json.ToArray())];
            }

            if (!TryFindBatch(ref probe))
            {
                return [validator.Parse(utf8Json)];
            }

            var results = new List<SegmentParseResult>();
            while (probe.Read() && probe.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)probe.TokenStartIndex;
                var isObject = probe.TokenType == JsonTokenType.StartObject;
                probe.Skip();
                var item = utf8Json[start..(int)probe.BytesConsumed];
                results.Add(isObject
                    ? validator.Parse(item)
                    : SegmentParseResult.Fail(IngestReasons.Malformed, string.Create(CultureInfo.InvariantCulture, $"Batch item {results.Count} is not a JSON object.")).WithRaw(item.ToArray()));
            }

            // The rest of the payload must be valid JSON too: a cut-off batch is malformed as a whole.
            while (probe.Read())
            {
            }

            return results;
        }
        catch (JsonException ex)
        {
            return [SegmentParseResult.Fail(IngestReasons.Malformed, $"The batch is not valid JSON: {ex.Message}").WithRaw(utf8Json.ToArray())];
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

    // The fallback for what the JSON reader's ISO-8601 parser refuses (a space for the 'T', a bare date): only texts that
    // start with an ISO-8601 date (yyyy-MM-dd), so an ambiguous "01/10/2019" is invalid rather than guessed.
    private static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        if (text.Length < 10 || text[4] != '-' || text[7] != '-' || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[3]))
        {
            timestamp = default;
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);
    }
}
