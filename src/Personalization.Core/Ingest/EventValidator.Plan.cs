using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Json.Schema;
using Personalization.Events;

namespace Personalization.Ingest;

internal sealed partial class EventValidator
{
    // The most violations a message lists; the rest are counted.
    private const int MaxViolationsListed = 5;


    // The tracking plan's check: the event's properties (traits for identify and group) against its schema, if the
    // plan has one. Only events with a schema pay for it: their values are written as JSON and evaluated.
    private SegmentParseResult CheckPlan(SegmentEvent @event)
    {
        var plan = @event.Type == SegmentEventType.Track
            ? (@event.Event is { } name ? _trackSchemas.GetValueOrDefault(name) : null)
            : ((uint)@event.Type < (uint)_typeSchemas.Length ? _typeSchemas[(int)@event.Type] : null);
        if (plan is null)
        {
            return SegmentParseResult.Ok(@event);
        }

        var traits = @event.Type is SegmentEventType.Identify or SegmentEventType.Group;
        var violations = Evaluate(plan.Schema!, traits ? @event.Traits : @event.Properties);
        if (violations is null)
        {
            return SegmentParseResult.Ok(@event);
        }

        var message = $"Event '{@event.MessageId}' breaks the tracking plan's schema for {plan.Target}: its {(traits ? "traits" : "properties")} {violations}";
        return plan.OnViolation == SchemaViolationAction.Flag
            ? SegmentParseResult.Flagged(@event, IngestReasons.SchemaViolation, message)
            : SegmentParseResult.Fail(IngestReasons.SchemaViolation, message, @event.MessageId);
    }

    // The violations as one readable sentence's end, or null when the values match the schema.
    private static string? Evaluate(JsonSchema schema, IReadOnlyDictionary<string, object?> values)
    {
        EvaluationResults results;
        try
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                SegmentJson.WriteValue(writer, values);
            }

            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            results = schema.Evaluate(document.RootElement, PlanEvaluation.Options);
        }
#pragma warning disable CA1031 // A schema that fails on a value (or a value JSON cannot hold) is a violation of this one event.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"could not be checked: {ex.Message}";
        }

        if (results.IsValid)
        {
            return null;
        }

        var errors = new List<string>();
        Collect(results, errors);
        if (errors.Count == 0)
        {
            return "do not match it.";
        }

        var text = new StringBuilder("do not match it: ");
        text.AppendJoin("; ", errors.Take(MaxViolationsListed));
        if (errors.Count > MaxViolationsListed)
        {
            text.Append(CultureInfo.InvariantCulture, $"; and {errors.Count - MaxViolationsListed} more");
        }

        return text.Append('.').ToString();
    }

    private static void Collect(EvaluationResults results, List<string> errors)
    {
        if (results.Errors is { Count: > 0 } found)
        {
            var at = results.InstanceLocation.ToString();
            foreach (var error in found)
            {
                errors.Add(string.IsNullOrEmpty(at) ? $"{error.Value} ({error.Key})" : $"at {at}: {error.Value} ({error.Key})");
            }
        }

        if (results.Details is { } details)
        {
            foreach (var detail in details)
            {
                Collect(detail, errors);
            }
        }
    }

    // Apart, so that JsonSchema.Net (whose module loads its meta-schemas) is touched only by pipelines with a plan.
    private static class PlanEvaluation
    {
        // "format" (email, date-time, uri, ...) is checked, not just noted: a plan that names a format means it.
        public static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    }
}
