using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Personalization.Events;

namespace Personalization.Ingest;

/// <summary>
/// The ingest checks of one pipeline, built once from its <see cref="ValidationOptions"/> and clock: parses Segment
/// JSON, upcasts old schema versions, checks limits, required fields, identities, timestamps, amounts and the tracking
/// plan. Every method gives one <see cref="SegmentParseResult"/> per event and never throws on bad input; a rejection
/// carries its reason code, a message and the event's <see cref="SegmentParseResult.Raw"/> JSON. Thread-safe.
/// </summary>
internal sealed partial class EventValidator
{
    private static readonly byte[] s_utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly TimeProvider _timeProvider;
    private readonly int _maxEventBytes;
    private readonly TimeSpan? _maxFutureSkew;
    private readonly FrozenSet<string> _junkIds;
    private readonly int _schemaVersion;
    private readonly FrozenDictionary<int, Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject>> _upcasters;
    private readonly FrozenDictionary<string, EventSchema> _trackSchemas;
    private readonly EventSchema?[] _typeSchemas;

    /// <summary>Builds the checks. The options must be valid (see <see cref="ValidationOptionsValidator"/>); a
    /// tracking-plan schema that does not compile throws here, naming the event.</summary>
    /// <exception cref="ArgumentException">A tracking-plan schema is not a valid JSON Schema.</exception>
    public EventValidator(ValidationOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _maxEventBytes = options.MaxEventBytes;
        _maxFutureSkew = options.MaxFutureSkew;
        _junkIds = (options.JunkIds ?? []).Where(id => id is not null).Select(id => id.Trim()).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _schemaVersion = options.SchemaVersion;
        _upcasters = options.Upcasters.ToFrozenDictionary();
        Limits = new ReadLimits(options.MaxDepth, options.MaxProperties, options.MaxStringLength);
        var track = new Dictionary<string, EventSchema>(StringComparer.Ordinal);
        _typeSchemas = new EventSchema?[Enum.GetValues<SegmentEventType>().Length];
        foreach (var schema in options.Schemas)
        {
            if (schema.Schema is null)
            {
                throw new ArgumentException($"The tracking plan's schema for {schema.Target} is not a valid JSON Schema: {schema.Error}", nameof(options));
            }

            if (schema.EventName is { } name)
            {
                track[name] = schema;
            }
            else
            {
                _typeSchemas[(int)schema.Type] = schema;
            }
        }

        _trackSchemas = track.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The checks with the default options and the system clock, for <see cref="SegmentJson.Parse(ReadOnlySpan{byte})"/>.</summary>
    public static EventValidator Default { get; } = new(new ValidationOptions(), TimeProvider.System);

    /// <summary>The JSON limits events are read under.</summary>
    internal ReadLimits Limits { get; }

    /// <summary>Parses and checks one event given as UTF-8 JSON.</summary>
    public SegmentParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith(s_utf8Bom))
        {
            utf8Json = utf8Json[s_utf8Bom.Length..];
        }

        SegmentParseResult result;
        if (utf8Json.Length > _maxEventBytes)
        {
            result = SegmentParseResult.Fail(IngestReasons.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The event is {utf8Json.Length} bytes of JSON; the limit is {_maxEventBytes} (ValidationOptions.MaxEventBytes). Send large data by reference, not in the event."));
        }
        else if (!Utf8.IsValid(utf8Json))
        {
            result = SegmentParseResult.Fail(IngestReasons.Malformed, "The payload is not valid UTF-8; send JSON encoded as UTF-8.");
        }
        else
        {
            result = SegmentJson.ReadEvent(utf8Json, this, mayUpcast: true);
        }

        return result.Success ? result : result.WithRaw(utf8Json.ToArray());
    }

    /// <summary>
    /// Parses and checks a Segment batch (<c>{"batch": [...]}</c>) or a single event given as UTF-8 JSON: one result
    /// per item, in order; each item is held to the limits on its own (its <see cref="SegmentParseResult.Raw"/> is
    /// its own JSON). A payload that is not valid JSON as a whole (cut off, say) gives one
    /// <see cref="IngestReasons.Malformed"/> result whose <see cref="SegmentParseResult.Raw"/> is the whole payload.
    /// </summary>
    public IReadOnlyList<SegmentParseResult> ParseBatch(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith(s_utf8Bom))
        {
            utf8Json = utf8Json[s_utf8Bom.Length..];
        }

        return SegmentJson.ReadBatch(utf8Json, this);
    }

    /// <summary>
    /// Checks an event handed over as an object: upcasts it when its <c>context.schema_version</c> is older (then the
    /// result's <see cref="SegmentParseResult.Event"/> is a new, upcast event), then checks it like a parsed event.
    /// Events are not measured in bytes (they have no JSON); the other limits hold.
    /// </summary>
    public SegmentParseResult Check(SegmentEvent? @event)
    {
        if (@event is null)
        {
            return SegmentParseResult.Fail(IngestReasons.MissingField, "The event is null.").WithRaw("null"u8.ToArray());
        }

        var result = CheckObject(@event);
        return result.Success ? result : result.WithRaw(TryWriteJson(@event) ?? Encoding.UTF8.GetBytes(@event.ToString()));
    }

    private SegmentParseResult CheckObject(SegmentEvent @event)
    {
        var messageId = string.IsNullOrEmpty(@event.MessageId) ? null : @event.MessageId;
        if (NeedsUpcast(@event.Context, messageId, out _, out var rejection))
        {
            if (rejection is { } rejected)
            {
                return rejected;
            }

            // Rare: an old event is written as JSON and goes the JSON way, which upcasts and checks it.
            var json = TryWriteJson(@event);
            return json is null
                ? SegmentParseResult.Fail(IngestReasons.Malformed, $"Event '{messageId}' cannot be written as JSON to be upcast.", messageId)
                : SegmentJson.ReadEvent(json, this, mayUpcast: true);
        }

        if (SegmentEventValidator.Validate(@event) is { } invalid)
        {
            return invalid;
        }

        if (CheckObjectLimits(@event) is { } tooLarge)
        {
            return SegmentParseResult.Fail(IngestReasons.TooLarge, $"Event '{messageId}' {tooLarge}.", messageId);
        }

        return CheckContent(@event);
    }

    // The event as Segment JSON, for a dead letter or for upcasting; null when it cannot be written (a value that
    // JSON cannot hold, an undefined type, nesting past the writer's limit).
    private static byte[]? TryWriteJson(SegmentEvent @event)
    {
        try
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                SegmentJson.Write(writer, @event);
            }

            return buffer.WrittenSpan.ToArray();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
