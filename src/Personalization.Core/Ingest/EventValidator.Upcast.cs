using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Personalization.Events;

namespace Personalization.Ingest;

internal sealed partial class EventValidator
{
    /// <summary>Whether an event's <c>context</c> says an older schema version that must be upcast; when the version is
    /// one that cannot be taken (newer, not a whole number, no chain of upcasters), also the rejection. The common case,
    /// no <c>schema_version</c> or the current one, allocates nothing.</summary>
    internal bool NeedsUpcast(IReadOnlyDictionary<string, object?>? context, string? messageId, out int version, out SegmentParseResult? rejection)
    {
        rejection = null;
        version = 1;
        if (context is not null && context.TryGetValue("schema_version", out var value) && value is not null)
        {
            if (!TryGetVersion(value, out var read) || read < 1)
            {
                rejection = Unsupported(messageId, $"has context.schema_version {Describe(value)}, which is not a whole number of at least 1");
                return true;
            }

            version = (int)Math.Min(read, int.MaxValue);
        }

        if (version == _schemaVersion)
        {
            return false;
        }

        if (version > _schemaVersion)
        {
            rejection = Unsupported(messageId, string.Create(CultureInfo.InvariantCulture,
                $"has schema version {version}, newer than this engine's {_schemaVersion} (ValidationOptions.SchemaVersion); upgrade the engine, or have the client send version {_schemaVersion}"));
            return true;
        }

        for (var from = version; from < _schemaVersion; from++)
        {
            if (!_upcasters.ContainsKey(from))
            {
                rejection = Unsupported(messageId, string.Create(CultureInfo.InvariantCulture,
                    $"has schema version {version}, and no upcaster migrates version {from} to {from + 1} (ValidationOptions.AddUpcaster)"));
                return true;
            }
        }

        return true;
    }

    /// <summary>Runs the upcasters on an event's JSON whose version <see cref="NeedsUpcast"/> accepted, then reads and
    /// checks the result. An upcaster that throws or returns null rejects the event.</summary>
    internal SegmentParseResult Upcast(ReadOnlySpan<byte> utf8Json, string? messageId, int version)
    {
        JsonObject? node;
        try
        {
            node = JsonNode.Parse(utf8Json, documentOptions: new JsonDocumentOptions { MaxDepth = Limits.MaxDepth + 1 }) as JsonObject;
        }
        catch (JsonException ex)
        {
            return SegmentParseResult.Fail(IngestReasons.Malformed, $"Event '{messageId}' could not be read to be upcast: {ex.Message}", messageId);
        }

        if (node is null)
        {
            return SegmentParseResult.Fail(IngestReasons.Malformed, "The payload is not a JSON object.", messageId);
        }

        for (var from = version; from < _schemaVersion; from++)
        {
            try
            {
                node = _upcasters[from](node);
            }
#pragma warning disable CA1031 // An upcaster is the host's code: whatever it throws rejects this one event, never the pipeline.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return Unsupported(messageId, string.Create(CultureInfo.InvariantCulture, $"could not be upcast: the upcaster from version {from} to {from + 1} threw {ex.GetType().Name}: {ex.Message}"));
            }

            if (node is null)
            {
                return Unsupported(messageId, string.Create(CultureInfo.InvariantCulture, $"could not be upcast: the upcaster from version {from} to {from + 1} returned null"));
            }
        }

        if (node["context"] is not JsonObject context)
        {
            node["context"] = context = [];
        }

        context["schema_version"] = _schemaVersion;
        byte[] upcast;
        try
        {
            var buffer = new ArrayBufferWriter<byte>(utf8Json.Length + 64);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                node.WriteTo(writer);
            }

            upcast = buffer.WrittenSpan.ToArray();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException)
        {
            return Unsupported(messageId, $"could not be upcast: the upcast event cannot be written as JSON: {ex.Message}");
        }

        return SegmentJson.ReadEvent(upcast, this, mayUpcast: false);
    }

    private static bool TryGetVersion(object value, out long version)
    {
        switch (value)
        {
            case long l: version = l; return true;
            case int i: version = i; return true;
            case double d when double.IsInteger(d) && Math.Abs(d) < int.MaxValue: version = (long)d; return true;
            case string s: return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out version);
            default: version = 0; return false;
        }
    }

    private static SegmentParseResult Unsupported(string? messageId, string reason) =>
        SegmentParseResult.Fail(IngestReasons.UnsupportedSchemaVersion, $"Event '{messageId}' {reason}.", messageId);
}
