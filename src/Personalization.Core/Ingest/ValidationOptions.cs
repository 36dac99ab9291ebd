using System.Text.Json.Nodes;
using Json.Schema;
using Personalization.Events;

namespace Personalization.Ingest;

/// <summary>The checks every event passes at ingest: limits, identities, amounts, timestamps, tracking plans and
/// schema upcasting. Every rejection has a reason code (see <see cref="IngestReasons"/>); docs/data-quality.md lists
/// them with examples.</summary>
/// <remarks>The options are read once, when the pipeline starts; change them before that.</remarks>
public sealed class ValidationOptions
{
    /// <summary>The limit on one event's JSON (for a batch, on each item's JSON), in bytes: a larger event is
    /// rejected as <see cref="IngestReasons.TooLarge"/>. Events handed over as objects are not measured in bytes.</summary>
    /// <value>The default is 32,768 (32 KB, Segment's limit). Between 1,024 and 16 MiB.</value>
    public int MaxEventBytes { get; set; } = 32_768;

    /// <summary>The limit on the number of keys of <c>properties</c> and <c>traits</c>, counted together at all
    /// levels (nested objects and the objects in arrays too); <c>context</c> is not counted.</summary>
    /// <value>The default is 1,000. Between 1 and 1,000,000.</value>
    public int MaxProperties { get; set; } = 1_000;

    /// <summary>The limit on nesting: the event object is level 1, its <c>properties</c> level 2, and so on. A deeper
    /// event is rejected as <see cref="IngestReasons.TooLarge"/>, not as malformed.</summary>
    /// <value>The default is 32. Between 4 and 256.</value>
    public int MaxDepth { get; set; } = 32;

    /// <summary>The limit on the length of any string in an event (values and keys), in UTF-16 characters.</summary>
    /// <value>The default is 8,192. Between 256 and 16 MiB.</value>
    public int MaxStringLength { get; set; } = 8_192;

    /// <summary>How far in the future of the pipeline's clock (its <see cref="TimeProvider"/>) an event's
    /// <c>timestamp</c> may be; a later one is rejected as <see cref="IngestReasons.FutureTimestamp"/>.
    /// <see langword="null"/> turns the check off (for example to replay data whose clock is unknown).</summary>
    /// <value>The default is 24 hours. Between zero and 3,650 days when set.</value>
    public TimeSpan? MaxFutureSkew { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The values of <c>userId</c>, <c>anonymousId</c> and <c>previousId</c> that buggy clients send in place
    /// of an id. They are compared trimmed and ignoring case; an event with one is rejected as
    /// <see cref="IngestReasons.JunkIdentity"/>. An empty or blank id is handled apart: see
    /// <see cref="IngestReasons.JunkIdentity"/>.</summary>
    /// <value>The default is <c>null</c>, <c>undefined</c>, <c>anonymous</c>, <c>unknown</c>, <c>0</c>, <c>-1</c>,
    /// <c>[object Object]</c>.</value>
    public ICollection<string> JunkIds { get; set; } = new List<string>(DefaultJunkIds);

    /// <summary>The event schema version this engine works with. Events carry theirs in
    /// <c>context.schema_version</c> (1 when absent); older events are upcast with the registered upcasters
    /// (<see cref="AddUpcaster"/>) before they are checked; newer ones are rejected as
    /// <see cref="IngestReasons.UnsupportedSchemaVersion"/>.</summary>
    /// <value>The default is 1. At least 1.</value>
    public int SchemaVersion { get; set; } = 1;

    /// <summary>The tracking plan: a JSON Schema per event, added with <see cref="AddSchema(string, string, SchemaViolationAction)"/>
    /// and its overloads.</summary>
    public IList<EventSchema> Schemas { get; } = new List<EventSchema>();

    /// <summary>The upcasters, by the version each migrates from (to that version + 1).</summary>
    public IDictionary<int, Func<JsonObject, JsonObject>> Upcasters { get; } = new Dictionary<int, Func<JsonObject, JsonObject>>();

    /// <summary>The default <see cref="JunkIds"/>.</summary>
    public static IReadOnlyList<string> DefaultJunkIds { get; } = ["null", "undefined", "anonymous", "unknown", "0", "-1", "[object Object]"];

    /// <summary>Checks the <c>properties</c> of <c>track</c> events named <paramref name="eventName"/> against a
    /// JSON Schema given as text. The schema is compiled when the pipeline starts; a bad one stops the start with an
    /// error naming the event.</summary>
    /// <param name="eventName">The <c>event</c> of the <c>track</c> calls to check (compared exactly, with case).</param>
    /// <param name="schemaJson">The JSON Schema (draft 2020-12 unless it says otherwise with <c>$schema</c>).</param>
    /// <param name="onViolation">Whether an event that breaks the schema is rejected or accepted and flagged.</param>
    /// <returns>These options, for chaining.</returns>
    public ValidationOptions AddSchema(string eventName, string schemaJson, SchemaViolationAction onViolation = SchemaViolationAction.Reject)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(schemaJson);
        Schemas.Add(new EventSchema(SegmentEventType.Track, eventName, schemaJson, null, onViolation));
        return this;
    }

    /// <summary>Checks the <c>properties</c> of <c>track</c> events named <paramref name="eventName"/> against a
    /// compiled JSON Schema.</summary>
    /// <param name="eventName">The <c>event</c> of the <c>track</c> calls to check (compared exactly, with case).</param>
    /// <param name="schema">The schema.</param>
    /// <param name="onViolation">Whether an event that breaks the schema is rejected or accepted and flagged.</param>
    /// <returns>These options, for chaining.</returns>
    public ValidationOptions AddSchema(string eventName, JsonSchema schema, SchemaViolationAction onViolation = SchemaViolationAction.Reject)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(schema);
        Schemas.Add(new EventSchema(SegmentEventType.Track, eventName, null, schema, onViolation));
        return this;
    }

    /// <summary>Checks every event of a call type other than <c>track</c> against a JSON Schema given as text: the
    /// <c>traits</c> of <c>identify</c> and <c>group</c> calls, the <c>properties</c> of <c>page</c>,
    /// <c>screen</c> and <c>alias</c> calls.</summary>
    /// <param name="type">The call type; for <c>track</c>, use the overload that takes the event name.</param>
    /// <param name="schemaJson">The JSON Schema.</param>
    /// <param name="onViolation">Whether an event that breaks the schema is rejected or accepted and flagged.</param>
    /// <returns>These options, for chaining.</returns>
    public ValidationOptions AddSchema(SegmentEventType type, string schemaJson, SchemaViolationAction onViolation = SchemaViolationAction.Reject)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        if (type == SegmentEventType.Track)
        {
            throw new ArgumentException("A track event's schema is added by event name: AddSchema(eventName, ...).", nameof(type));
        }

        Schemas.Add(new EventSchema(type, null, schemaJson, null, onViolation));
        return this;
    }

    /// <summary>Registers the migration of events of schema version <paramref name="fromVersion"/> to
    /// <paramref name="fromVersion"/> + 1. It gets the whole event as a <see cref="JsonObject"/> (which it may change
    /// and return, or replace) before any check other than the JSON limits runs, so it can repair what an old client
    /// sent. The engine sets <c>context.schema_version</c> afterwards. An upcaster that throws or returns
    /// <see langword="null"/> rejects the event as <see cref="IngestReasons.UnsupportedSchemaVersion"/>.</summary>
    /// <param name="fromVersion">The version the upcaster migrates from, at least 1 and below <see cref="SchemaVersion"/>.</param>
    /// <param name="upcast">The migration.</param>
    /// <returns>These options, for chaining.</returns>
    public ValidationOptions AddUpcaster(int fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        ArgumentNullException.ThrowIfNull(upcast);
        Upcasters[fromVersion] = upcast;
        return this;
    }
}
