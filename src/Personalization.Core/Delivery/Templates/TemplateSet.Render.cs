using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

internal sealed partial class TemplateSet
{
    /// <summary>
    /// Renders template <paramref name="name"/> for <paramref name="model"/>: the subject on one line, the HTML part
    /// with profile values HTML-escaped (<c>raw</c> opts out), the text part as is; in the profile's culture and time zone.
    /// </summary>
    /// <exception cref="TemplateRenderException">The template is unknown, ran past its limits or a filter failed.</exception>
    public async ValueTask<RenderedEmail> RenderAsync(string name, EmailModel model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        if (!_templates.TryGetValue(name, out var template))
        {
            throw new TemplateRenderException(name, "name", "there is no template with this name");
        }

        ct.ThrowIfCancellationRequested();
        var traits = model.Profile.Traits;
        var culture = ProfileCulture.Culture(traits.GetValueOrDefault("locale"));
        var timeZone = ProfileCulture.TimeZone(traits.GetValueOrDefault("timezone"));
        var currency = CurrencyFormats.Get(culture,
            CurrencyFormats.Normalize(traits.GetValueOrDefault("currency")) ?? CurrencyFormats.DefaultCurrency);
        var root = new EmailModelValue(model);
        var state = new RenderState(root, culture, timeZone, currency);

        var subject = await RenderPartAsync(template, SubjectPart, template.Subject, NullEncoder.Default, state).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        var html = template.Html is null
            ? null
            : await RenderPartAsync(template, HtmlPart, template.Html, HtmlEncoder.Default, state).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        var text = template.Text is null
            ? null
            : await RenderPartAsync(template, TextPart, template.Text, NullEncoder.Default, state).ConfigureAwait(false);
        return new RenderedEmail(OneLine(subject), html, text);
    }

    private async ValueTask<string> RenderPartAsync(CompiledTemplate template, string part, IFluidTemplate source,
        TextEncoder encoder, RenderState state)
    {
        // Each part gets its own context, as Liquid renders each template on its own: a variable assigned in the
        // subject is not one in the body.
        var context = new RenderContext(state.Root, _options, state.Culture, state.TimeZone, state.Currency, state.Now,
            _maxOutputChars);
        var writer = LimitedStringWriter.Rent(_maxOutputChars);
        try
        {
            await source.RenderAsync(writer, encoder, context).ConfigureAwait(false);
            return writer.ToString();
        }
        catch (TemplateLimitExceededException error)
        {
            throw new TemplateRenderException(template.Name, part, error.Message, error);
        }
        catch (InvalidOperationException error)
        {
            // Fluid stops a render past MaxSteps or MaxRecursion with this exception, and one message for both (about
            // cyclic includes, which templates here cannot have): say which limits they were instead.
            throw new TemplateRenderException(template.Name, part, string.Create(CultureInfo.InvariantCulture,
                $"ran past MaxSteps ({_options.MaxSteps} statements) or MaxRecursion ({_options.MaxRecursion} nested blocks)"), error);
        }
        catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException)
        {
            // A filter failing on a profile's value (a bad date format, a division by zero) fails this email only.
            throw new TemplateRenderException(template.Name, part, error.Message, error);
        }
        finally
        {
            LimitedStringWriter.Return(writer);
        }
    }

    /// <summary>The subject trimmed, its line breaks (and the blanks around them) turned into single spaces.</summary>
    internal static string OneLine(string subject)
    {
        if (subject.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            return subject.Trim();
        }

        var builder = new StringBuilder(subject.Length);
        foreach (var line in subject.Split('\n'))
        {
            var trimmed = line.AsSpan().Trim();
            if (!trimmed.IsEmpty)
            {
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(trimmed);
            }
        }

        return builder.ToString();
    }

    private sealed class RenderState(EmailModelValue root, CultureInfo culture, TimeZoneInfo timeZone,
        NumberFormatInfo currency)
    {
        public EmailModelValue Root => root;

        public CultureInfo Culture => culture;

        public TimeZoneInfo TimeZone => timeZone;

        public NumberFormatInfo Currency => currency;

        public Func<DateTimeOffset> Now { get; } = () => TimeZoneInfo.ConvertTime(root.Model.Now, timeZone);
    }
}
