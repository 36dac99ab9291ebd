using System.Reflection;

namespace Personalization.Delivery;

/// <summary>
/// A Liquid email template: a subject and an HTML and/or a text part. Templates are compiled when the pipeline
/// starts; a syntax error or an unknown member fails the start with the template's name, part, line and column.
/// </summary>
public sealed class EmailTemplate
{
    /// <summary>Creates a template from strings.</summary>
    /// <param name="name">The name triggers refer to (<c>SendTemplate("cart")</c>).</param>
    /// <param name="subject">The subject template.</param>
    /// <param name="html">The HTML part's template; profile values are HTML-escaped in it.</param>
    /// <param name="text">The text part's template.</param>
    public EmailTemplate(string name, string subject, string? html, string? text = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(subject);
        if (html is null && text is null)
        {
            throw new ArgumentException($"Email template '{name}' needs an HTML part, a text part, or both.", nameof(html));
        }

        Name = name;
        Subject = subject;
        Html = html;
        Text = text;
    }

    /// <summary>Creates a template whose parts are read from files (UTF-8).</summary>
    /// <param name="name">The name triggers refer to.</param>
    /// <param name="subject">The subject template (a string: subjects are short).</param>
    /// <param name="htmlPath">The HTML part's file, if any.</param>
    /// <param name="textPath">The text part's file, if any.</param>
    /// <exception cref="FileNotFoundException">A named file does not exist.</exception>
    public static EmailTemplate FromFiles(string name, string subject, string? htmlPath, string? textPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new EmailTemplate(name, subject, ReadFile(name, htmlPath), ReadFile(name, textPath));
    }

    /// <summary>
    /// Creates template <paramref name="name"/> from the files <c>&lt;name&gt;.subject.liquid</c>,
    /// <c>&lt;name&gt;.html.liquid</c> and <c>&lt;name&gt;.text.liquid</c> in <paramref name="directory"/>; the subject
    /// and at least one of the bodies must exist.
    /// </summary>
    /// <exception cref="FileNotFoundException">The subject or both bodies are missing; the message names the files looked for.</exception>
    public static EmailTemplate FromDirectory(string name, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var subjectPath = Path.Combine(directory, $"{name}.subject.liquid");
        var htmlPath = Path.Combine(directory, $"{name}.html.liquid");
        var textPath = Path.Combine(directory, $"{name}.text.liquid");
        if (!File.Exists(subjectPath))
        {
            throw new FileNotFoundException(
                $"Email template '{name}' has no subject: '{subjectPath}' does not exist.", subjectPath);
        }

        var html = File.Exists(htmlPath) ? File.ReadAllText(htmlPath) : null;
        var text = File.Exists(textPath) ? File.ReadAllText(textPath) : null;
        if (html is null && text is null)
        {
            throw new FileNotFoundException(
                $"Email template '{name}' has no body: neither '{htmlPath}' nor '{textPath}' exists.", htmlPath);
        }

        return new EmailTemplate(name, File.ReadAllText(subjectPath), html, text);
    }

    /// <summary>
    /// Creates template <paramref name="name"/> from the embedded resources <c>&lt;prefix&gt;.&lt;name&gt;.subject.liquid</c>,
    /// <c>&lt;prefix&gt;.&lt;name&gt;.html.liquid</c> and <c>&lt;prefix&gt;.&lt;name&gt;.text.liquid</c> of
    /// <paramref name="assembly"/>; the subject and at least one of the bodies must exist.
    /// </summary>
    /// <param name="name">The template's name.</param>
    /// <param name="assembly">The assembly that embeds the templates.</param>
    /// <param name="resourcePrefix">The resources' prefix: by default the project's root namespace and the folder,
    /// dot-separated (<c>Shop.Emails</c> for <c>Emails/cart.html.liquid</c> in project <c>Shop</c>).</param>
    /// <exception cref="ArgumentException">The subject or both bodies are missing; the message lists the resources the assembly has.</exception>
    public static EmailTemplate FromEmbeddedResources(string name, Assembly assembly, string resourcePrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(resourcePrefix);
        var prefix = resourcePrefix.Length == 0 || resourcePrefix.EndsWith('.') ? resourcePrefix : resourcePrefix + ".";
        var subjectName = $"{prefix}{name}.subject.liquid";
        var htmlName = $"{prefix}{name}.html.liquid";
        var textName = $"{prefix}{name}.text.liquid";
        var subject = ReadResource(assembly, subjectName);
        var html = ReadResource(assembly, htmlName);
        var text = ReadResource(assembly, textName);
        if (subject is null || (html is null && text is null))
        {
            var missing = subject is null ? $"'{subjectName}'" : $"'{htmlName}' or '{textName}'";
            var present = assembly.GetManifestResourceNames();
            throw new ArgumentException(
                $"Email template '{name}' is incomplete in assembly {assembly.GetName().Name}: there is no resource {missing} " +
                $"(looked for '{subjectName}', '{htmlName}', '{textName}'). The assembly has: " +
                (present.Length == 0 ? "no resources." : string.Join(", ", present.Order(StringComparer.Ordinal)) + "."),
                nameof(resourcePrefix));
        }

        return new EmailTemplate(name, subject, html, text);
    }

    /// <summary>The template's name.</summary>
    public string Name { get; }

    /// <summary>The subject's Liquid source.</summary>
    public string Subject { get; }

    /// <summary>The HTML part's Liquid source, if any.</summary>
    public string? Html { get; }

    /// <summary>The text part's Liquid source, if any.</summary>
    public string? Text { get; }

    private static string? ReadFile(string name, string? path)
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Email template '{name}': '{Path.GetFullPath(path)}' does not exist.", path);
        }

        return File.ReadAllText(path);
    }

    private static string? ReadResource(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
