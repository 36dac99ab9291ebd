using System.Globalization;
using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary>The filters email templates add to Liquid's: <c>money</c> and <c>format_date</c>.</summary>
internal static class TemplateFilters
{
    /// <summary>Registers the filters on <paramref name="options"/>.</summary>
    public static void Register(TemplateOptions options)
    {
        options.Filters.AddFilter("money", Money);
        options.Filters.AddFilter("format_date", FormatDate);
    }

    /// <summary><c>{{ amount | money }}</c>, <c>{{ amount | money: "EUR" }}</c>: the amount as currency in the
    /// profile's culture; the code defaults to the <c>currency</c> trait, else USD.</summary>
    public static ValueTask<FluidValue> Money(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil())
        {
            return new(NilValue.Instance);
        }

        var amount = input.ToNumberValue();
        var code = arguments.Count > 0 ? CurrencyFormats.Normalize(arguments.At(0).ToStringValue()) : null;
        if (code is null && context is RenderContext render)
        {
            return new(new StringValue(amount.ToString("C", render.Currency)));
        }

        return new(new StringValue(CurrencyFormats.Format(amount, code ?? CurrencyFormats.DefaultCurrency, context.CultureInfo)));
    }

    /// <summary><c>{{ date | format_date: "long" }}</c>: the date in the profile's time zone, formatted for its
    /// culture; the argument is <c>short</c> (the default), <c>long</c> or a .NET format string.</summary>
    public static ValueTask<FluidValue> FormatDate(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (!TryGetDate(input, context, out var date))
        {
            return new(NilValue.Instance);
        }

        var format = arguments.Count > 0 ? arguments.At(0).ToStringValue() : "short";
        format = format switch
        {
            "short" => "d",
            "long" => "D",
            _ => format,
        };
        var local = TimeZoneInfo.ConvertTime(date, context.TimeZone);
        return new(new StringValue(local.ToString(format, context.CultureInfo)));
    }

    private static bool TryGetDate(FluidValue input, TemplateContext context, out DateTimeOffset date)
    {
        switch (input.ToObjectValue())
        {
            case DateTimeOffset value:
                date = value;
                return true;
            case DateTime value:
                date = value.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(value, TimeSpan.Zero) : value;
                return true;
            default:
                if (input.Type == FluidValues.String && input.ToStringValue() is var text)
                {
                    if (text == "now" || text == "today")
                    {
                        date = context.Now();
                        return true;
                    }

                    return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);
                }

                if (input.Type == FluidValues.Number)
                {
                    date = DateTimeOffset.FromUnixTimeSeconds((long)input.ToNumberValue());
                    return true;
                }

                date = default;
                return false;
        }
    }
}
