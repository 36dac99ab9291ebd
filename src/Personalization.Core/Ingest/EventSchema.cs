using Json.Schema;
using Personalization.Events;

namespace Personalization.Ingest;

/// <summary>One entry of a tracking plan: the JSON Schema that the properties (or traits) of one kind of event must
/// match. Add entries with <see cref="ValidationOptions.AddSchema(string, string, SchemaViolationAction)"/> and its
/// overloads.</summary>
public sealed class EventSchema
{
    private readonly Lazy<(JsonSchema? Schema, string? Error)> _compiled;

    internal EventSchema(SegmentEventType type, string? eventName, string? schemaJson, JsonSchema? schema, SchemaViolationAction onViolation)
    {
        Type = type;
        EventName = eventName;
        SchemaJson = schemaJson;
        OnViolation = onViolation;
        _compiled = schema is not null
            ? new((schema, null))
            : new(() => Compile(schemaJson!), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The call type the schema applies to.</summary>
    public SegmentEventType Type { get; }

    /// <summary>For <c>track</c> calls, the event name the schema applies to; <see langword="null"/> for other types.</summary>
    public string? EventName { get; }

    /// <summary>The schema as given as text; <see langword="null"/> when it was given compiled.</summary>
    public string? SchemaJson { get; }

    /// <summary>Whether an event that breaks the schema is rejected or accepted and flagged.</summary>
    public SchemaViolationAction OnViolation { get; }

    /// <summary>What the schema applies to, as messages name it: the event name, or the call type.</summary>
    public string Target => EventName is null ? SegmentJson.TypeName(Type) + " calls" : $"'{EventName}'";

    /// <summary>The compiled schema, or <see langword="null"/> when its text is not a valid schema.</summary>
    internal JsonSchema? Schema => _compiled.Value.Schema;

    /// <summary>Why the schema's text is not a valid schema, or <see langword="null"/>.</summary>
    internal string? Error => _compiled.Value.Error;

    // Compiled once, the first time the options are validated or a validator is built; a bad schema is kept as its
    // error, which options validation reports at start.
    private static (JsonSchema?, string?) Compile(string schemaJson)
    {
        try
        {
            return (JsonSchema.FromText(schemaJson, new BuildOptions()), null);
        }
#pragma warning disable CA1031 // Any failure of a user's schema is reported as a configuration error, not thrown at the first event.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (null, ex.Message);
        }
    }
}
