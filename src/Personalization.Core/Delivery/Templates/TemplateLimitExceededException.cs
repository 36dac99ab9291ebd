namespace Personalization.Delivery.Templates;

/// <summary>A render ran past one of its <see cref="TemplateLimits"/>; <see cref="TemplateSet"/> turns it into a
/// <see cref="TemplateRenderException"/> with the template's name and part.</summary>
internal sealed class TemplateLimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TemplateLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TemplateLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TemplateLimitExceededException()
        : this("The template ran past its limits.")
    {
    }
}
