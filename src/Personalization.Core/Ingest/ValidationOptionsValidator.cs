using System.Globalization;

namespace Personalization.Ingest;

/// <summary>Checks <see cref="ValidationOptions"/> and names each bad setting with its value; part of the pipeline's
/// options validation, so a bad setting (a tracking-plan schema that does not compile, say) stops the start.</summary>
internal static class ValidationOptionsValidator
{
    public static void Validate(List<string> errors, ValidationOptions? options)
    {
        if (options is null)
        {
            errors.Add("Validation must be set.");
            return;
        }

        Range(errors, nameof(options.MaxEventBytes), options.MaxEventBytes, 1_024, 16 << 20);
        Range(errors, nameof(options.MaxProperties), options.MaxProperties, 1, 1_000_000);
        Range(errors, nameof(options.MaxDepth), options.MaxDepth, 4, 256);
        Range(errors, nameof(options.MaxStringLength), options.MaxStringLength, 256, 16 << 20);
        if (options.MaxFutureSkew is { } skew && (skew < TimeSpan.Zero || skew > TimeSpan.FromDays(3650)))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Validation.MaxFutureSkew must be between 00:00:00 and 3650.00:00:00, or null to turn the check off; it is {skew}."));
        }

        if (options.JunkIds is null)
        {
            errors.Add("Validation.JunkIds must be set (it may be empty).");
        }

        if (options.SchemaVersion < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Validation.SchemaVersion must be at least 1; it is {options.SchemaVersion}."));
        }

        foreach (var (from, _) in options.Upcasters)
        {
            if (from < 1 || from >= options.SchemaVersion)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Validation has an upcaster from version {from}, which is not below Validation.SchemaVersion ({options.SchemaVersion}): it would never run."));
            }
        }

        ValidateSchemas(errors, options.Schemas);
    }

    private static void ValidateSchemas(List<string> errors, IList<EventSchema> schemas)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var schema in schemas)
        {
            if (schema is null)
            {
                errors.Add("Validation.Schemas must not contain null.");
                continue;
            }

            if (!targets.Add(schema.Target))
            {
                errors.Add($"Validation.Schemas has two schemas for {schema.Target}; keep one.");
            }

            if (schema.Error is { } error)
            {
                errors.Add($"Validation.Schemas: the schema for {schema.Target} is not a valid JSON Schema: {error}");
            }
        }
    }

    private static void Range(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Validation.{name} must be between {min} and {max}; it is {value}."));
        }
    }
}
