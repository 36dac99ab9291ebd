using System.Text;
using System.Text.Encodings.Web;
using BenchmarkDotNet.Attributes;
using Fluid;
using Personalization.Delivery;
using Personalization.Delivery.Templates;

namespace Personalization.Benchmarks.Delivery;

/// <summary>
/// One cart-abandonment email (subject, an HTML part with a loop over three cart lines and the money filter, a text
/// part; a German profile with a name that needs escaping) rendered three ways: by hand with a
/// <see cref="StringBuilder"/> (the baseline); with <see cref="TemplateSet"/>, whose model is made of lazy
/// <c>FluidValue</c>s; and with the same Fluid templates and options over a model of dictionaries built per email, the
/// usual way to feed Fluid. One operation is one whole email; emails per second is <c>Op/s</c>.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
public class RenderingBenchmarks
{
    private static readonly FluidParser s_parser = new();

    private readonly StringBuilder _builder = new(2048);
    private TemplateSet _set = null!;
    private EmailModel _model = null!;
    private TemplateOptions _options = null!;
    private IFluidTemplate _subject = null!;
    private IFluidTemplate _html = null!;
    private IFluidTemplate _text = null!;

    [GlobalSetup]
    public void Setup()
    {
        _set = TemplateSet.Compile([CartEmailSamples.Template()], new TemplateLimits());
        _model = CartEmailSamples.Model();
        _options = TemplateOptionsFactory.Create(new TemplateLimits());
        _subject = s_parser.Parse(CartEmailSamples.Subject);
        _html = s_parser.Parse(CartEmailSamples.Html);
        _text = s_parser.Parse(CartEmailSamples.Text);

        // All three must write the same email, or the comparison means nothing.
        var baseline = HandWritten();
        foreach (var (name, email) in new[] { ("TemplateSet", TemplateSet_lazy_values()), ("dictionaries", Fluid_dictionaries()) })
        {
            if (email != baseline)
            {
                throw new InvalidOperationException($"The {name} email differs from the hand-written one:\n{email}\n---\n{baseline}");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "Cart email: StringBuilder by hand")]
    public RenderedEmail HandWritten() => HandWrittenCartEmail.Render(_model, _builder);

    [Benchmark(Description = "Cart email: TemplateSet (lazy FluidValue model)")]
    public RenderedEmail TemplateSet_lazy_values()
    {
        var render = _set.RenderAsync("cart", _model, CancellationToken.None);
        return render.IsCompletedSuccessfully ? render.Result : render.AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Cart email: Fluid, dictionary model per email")]
    public RenderedEmail Fluid_dictionaries()
    {
        var model = DictionaryModel.Build(_model);
        var culture = ProfileCulture.Culture(_model.Profile.Traits["locale"]);
        var subject = Render(_subject, model, culture, NullEncoder.Default);
        var html = Render(_html, model, culture, HtmlEncoder.Default);
        var text = Render(_text, model, culture, NullEncoder.Default);
        return new RenderedEmail(TemplateSet.OneLine(subject), html, text);
    }

    private string Render(IFluidTemplate template, Dictionary<string, object?> model, System.Globalization.CultureInfo culture,
        TextEncoder encoder)
    {
        var context = new RenderContext(new EmailModelValue(_model), _options, culture, TimeZoneInfo.Utc,
            CurrencyFormats.Get(culture, "EUR"), () => _model.Now, new TemplateLimits().MaxOutputChars);
        foreach (var (name, value) in model)
        {
            context.SetValue(name, value);
        }

        return template.Render(context, encoder);
    }
}
