using System.Collections.Frozen;
using Fluid;

namespace Personalization.Delivery.Templates;

/// <summary>
/// The compiled email templates: parsed once when the pipeline starts, checked against the model, and rendered
/// many times at once (a set is immutable and thread-safe).
/// </summary>
internal sealed partial class TemplateSet
{
    /// <summary>The part names used in errors.</summary>
    public const string SubjectPart = "subject", HtmlPart = "html", TextPart = "text";

    // Fluid's parser is thread-safe once built, and building one is the expensive part.
    private static readonly FluidParser s_parser = new();

    private readonly FrozenDictionary<string, CompiledTemplate> _templates;
    private readonly TemplateOptions _options;
    private readonly int _maxOutputChars;

    private TemplateSet(FrozenDictionary<string, CompiledTemplate> templates, TemplateOptions options, TemplateLimits limits)
    {
        _templates = templates;
        _options = options;
        _maxOutputChars = limits.MaxOutputChars;
    }

    /// <summary>The templates' names.</summary>
    public IReadOnlyCollection<string> Names => _templates.Keys;

    /// <summary>Whether there is a template named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _templates.ContainsKey(name);

    /// <summary>
    /// Parses and checks every part of every template; throws one <see cref="TemplateCompilationException"/> listing
    /// every syntax error, unknown member or filter, duplicate name and missing unsubscribe link.
    /// </summary>
    public static TemplateSet Compile(IEnumerable<EmailTemplate> templates, TemplateLimits limits)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(limits);

        var options = TemplateOptionsFactory.Create(limits);
        var errors = new List<TemplateError>();
        var compiled = new Dictionary<string, CompiledTemplate>(StringComparer.Ordinal);
        foreach (var template in templates)
        {
            ArgumentNullException.ThrowIfNull(template);
            if (compiled.ContainsKey(template.Name))
            {
                errors.Add(new TemplateError(template.Name, "name", 0, 0, "two templates have this name"));
                continue;
            }

            var subject = CompilePart(template.Name, SubjectPart, template.Subject, requiresUnsubscribe: false, options, limits, errors);
            var html = template.Html is null
                ? null
                : CompilePart(template.Name, HtmlPart, template.Html, requiresUnsubscribe: true, options, limits, errors);
            var text = template.Text is null
                ? null
                : CompilePart(template.Name, TextPart, template.Text, requiresUnsubscribe: html is null && template.Html is null,
                    options, limits, errors);
            compiled[template.Name] = new CompiledTemplate(template.Name, subject!, html, text);
        }

        if (errors.Count > 0)
        {
            throw new TemplateCompilationException(errors);
        }

        return new TemplateSet(compiled.ToFrozenDictionary(StringComparer.Ordinal), options, limits);
    }

    private static IFluidTemplate? CompilePart(string name, string part, string source, bool requiresUnsubscribe,
        TemplateOptions options, TemplateLimits limits, List<TemplateError> errors)
    {
        if (!s_parser.TryParse(source, out var template, out var parseError))
        {
            var (message, line, column) = TemplateSourceLocator.ParseError(parseError);
            errors.Add(new TemplateError(name, part, line, column, message));
            return null;
        }

        var (problems, usesUnsubscribeUrl) = TemplateChecker.Check(template, options);
        foreach (var (message, needle) in problems)
        {
            var (line, column) = TemplateSourceLocator.Find(source, needle);
            errors.Add(new TemplateError(name, part, line, column, message));
        }

        if (requiresUnsubscribe && !usesUnsubscribeUrl)
        {
            var what = part == HtmlPart ? "the HTML part" : "the text part (the template has no HTML part)";
            errors.Add(new TemplateError(name, part, 0, 0,
                $"{what} must use {{{{ unsubscribe_url }}}}: every email carries an unsubscribe link"));
        }

        return problems.Count == 0 ? SandboxRewriter.Rewrite(template, limits) : null;
    }
}
