namespace Personalization.Delivery;

/// <summary>
/// One or more email templates do not compile: Liquid syntax errors, unknown members, duplicate names or a missing
/// unsubscribe link. The message lists every error, one per line, so that one start shows everything to fix.
/// </summary>
public sealed class TemplateCompilationException : Exception
{
    /// <summary>Creates an exception listing <paramref name="errors"/>.</summary>
    /// <param name="errors">Every error found, in template and source order.</param>
    public TemplateCompilationException(IReadOnlyList<TemplateError> errors)
        : base(FormatMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates an exception with a message and no listed errors.</summary>
    public TemplateCompilationException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates an exception with a message, an underlying error and no listed errors.</summary>
    public TemplateCompilationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates an exception with no message.</summary>
    public TemplateCompilationException()
        : this("The email templates do not compile.")
    {
    }

    /// <summary>Every error found.</summary>
    public IReadOnlyList<TemplateError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<TemplateError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var noun = errors.Count == 1 ? "error" : "errors";
        return $"The email templates do not compile ({errors.Count} {noun}):{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", errors);
    }
}
