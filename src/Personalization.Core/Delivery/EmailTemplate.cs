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

    /// <summary>The template's name.</summary>
    public string Name { get; }

    /// <summary>The subject's Liquid source.</summary>
    public string Subject { get; }

    /// <summary>The HTML part's Liquid source, if any.</summary>
    public string? Html { get; }

    /// <summary>The text part's Liquid source, if any.</summary>
    public string? Text { get; }
}
