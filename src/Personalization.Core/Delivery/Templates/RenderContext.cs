using System.Globalization;
using Fluid;

namespace Personalization.Delivery.Templates;

/// <summary>The context of one part's render: the model, the profile's culture, time zone and currency.</summary>
internal sealed class RenderContext : TemplateContext
{
    /// <summary>Creates a context for <paramref name="model"/>.</summary>
    public RenderContext(EmailModelValue model, TemplateOptions options, CultureInfo culture, TimeZoneInfo timeZone,
        NumberFormatInfo currency, Func<DateTimeOffset> now)
        : base(model, options, allowModelMembers: true)
    {
        CultureInfo = culture;
        TimeZone = timeZone;
        Now = now;
        Currency = currency;
    }

    /// <summary>The format <c>money</c> uses when the template names no currency: the profile's currency (its
    /// <c>currency</c> trait, else USD) in its culture, looked up once per email rather than once per amount.</summary>
    public NumberFormatInfo Currency { get; }
}
