using System.Globalization;
using Fluid;

namespace Personalization.Delivery.Templates;

/// <summary>The context of one part's render: the model, the profile's culture, time zone and currency.</summary>
internal sealed class RenderContext : TemplateContext
{
    /// <summary>How many times MaxOutputChars the filters and captures of one part may produce in all.</summary>
    public const int WorkBudgetFactor = 16;

    private readonly long _maxWorkChars;
    private long _workChars;

    /// <summary>Creates a context for <paramref name="model"/>.</summary>
    public RenderContext(EmailModelValue model, TemplateOptions options, CultureInfo culture, TimeZoneInfo timeZone,
        NumberFormatInfo currency, Func<DateTimeOffset> now, int maxOutputChars)
        : base(model, options, allowModelMembers: true)
    {
        _maxWorkChars = maxOutputChars > 0 ? (long)maxOutputChars * WorkBudgetFactor : long.MaxValue;
        CultureInfo = culture;
        TimeZone = timeZone;
        Now = now;
        Currency = currency;
    }

    /// <summary>The format <c>money</c> uses when the template names no currency: the profile's currency (its
    /// <c>currency</c> trait, else USD) in its culture, looked up once per email rather than once per amount.</summary>
    public NumberFormatInfo Currency { get; }

    /// <summary>
    /// Counts <paramref name="chars"/> characters made by a filter or a capture against the part's work budget
    /// (<see cref="WorkBudgetFactor"/> times MaxOutputChars): each value is already held to MaxOutputChars, but a loop
    /// could make one that large on every one of its MaxSteps passes, and keep a core busy for minutes.
    /// </summary>
    /// <exception cref="TemplateLimitExceededException">The budget is spent.</exception>
    public void Charge(int chars)
    {
        _workChars += chars;
        if (_workChars > _maxWorkChars)
        {
            throw new TemplateLimitExceededException(string.Create(CultureInfo.InvariantCulture,
                $"the filters and captures made more than {_maxWorkChars} characters ({WorkBudgetFactor} times MaxOutputChars)"));
        }
    }
}
