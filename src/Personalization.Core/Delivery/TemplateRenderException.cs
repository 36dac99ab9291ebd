namespace Personalization.Delivery;

/// <summary>
/// A template failed while rendering one email: it ran past its sandbox (<see cref="TemplateLimits"/>) or a filter
/// failed on the profile's values. The email is not sent; the send goes to dead letters with this reason.
/// </summary>
public sealed class TemplateRenderException : Exception
{
    /// <summary>Creates an exception for a failed render.</summary>
    /// <param name="template">The template's name.</param>
    /// <param name="part">The part that failed: <c>subject</c>, <c>html</c> or <c>text</c>.</param>
    /// <param name="reason">Why it failed.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TemplateRenderException(string template, string part, string reason, Exception? innerException = null)
        : base($"template '{template}' ({part}) failed to render: {reason}", innerException)
    {
        Template = template;
        Part = part;
        Reason = reason;
    }

    /// <summary>Creates an exception with a message.</summary>
    public TemplateRenderException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with a message and an underlying error.</summary>
    public TemplateRenderException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Template = "";
        Part = "";
        Reason = message;
    }

    /// <summary>Creates an exception with no message.</summary>
    public TemplateRenderException()
        : this("The template failed to render.")
    {
    }

    /// <summary>The template's name.</summary>
    public string Template { get; }

    /// <summary>The part that failed: <c>subject</c>, <c>html</c> or <c>text</c>.</summary>
    public string Part { get; }

    /// <summary>Why it failed: <c>the output passed MaxOutputChars (1000000)</c>.</summary>
    public string Reason { get; }
}
