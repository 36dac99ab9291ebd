using System.Globalization;
using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary>
/// Builds the one <see cref="TemplateOptions"/> a template set renders with: the sandbox limits, the email filters,
/// and every filter held to MaxOutputChars, because a filter such as <c>append</c> in a loop can double a string
/// per step and fill memory long before the step limit or the output limit would notice. Every filter result is also
/// charged to the part's work budget (<see cref="RenderContext.Charge"/>), so that a loop rebuilding a large string
/// on every pass stops too.
/// </summary>
internal static class TemplateOptionsFactory
{
    /// <summary>Creates the options for <paramref name="limits"/>.</summary>
    public static TemplateOptions Create(TemplateLimits limits)
    {
        var options = new TemplateOptions
        {
            MaxSteps = limits.MaxSteps,
            MaxRecursion = limits.MaxRecursion,
            CultureInfo = ProfileCulture.DefaultCulture,
            TimeZone = TimeZoneInfo.Utc,
        };
        TemplateFilters.Register(options);

        var maxChars = limits.MaxOutputChars > 0 ? limits.MaxOutputChars : int.MaxValue;
        foreach (var (name, filter) in options.Filters.ToArray())
        {
            options.Filters.AddFilter(name, Guard(name, filter, maxChars));
        }

        return options;
    }

    // An async method that completes synchronously (as nearly every filter does) allocates nothing.
    private static FilterDelegate Guard(string name, FilterDelegate filter, int maxChars) =>
        (input, arguments, context) => Awaited(name, filter(input, arguments, context), maxChars, context);

    private static async ValueTask<FluidValue> Awaited(string name, ValueTask<FluidValue> result, int maxChars, TemplateContext context)
    {
        var value = await result.ConfigureAwait(false);
        Check(name, value, maxChars, context);
        return value;
    }

    private static void Check(string name, FluidValue value, int maxChars, TemplateContext context)
    {
        var size = value switch
        {
            StringValue text => text.ToStringValue().Length,
            ArrayValue array => array.Values.Count,
            _ => 0,
        };
        if (size > maxChars)
        {
            throw new TemplateLimitExceededException(string.Create(CultureInfo.InvariantCulture,
                $"filter '{name}' made a value of {size} characters or items, more than MaxOutputChars ({maxChars})"));
        }

        (context as RenderContext)?.Charge(size);
    }
}
