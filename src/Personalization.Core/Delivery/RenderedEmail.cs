namespace Personalization.Delivery;

/// <summary>The parts of one rendered template.</summary>
/// <param name="Subject">The subject, on one line.</param>
/// <param name="Html">The HTML part, if the template has one.</param>
/// <param name="Text">The text part, if the template has one.</param>
public sealed record RenderedEmail(string Subject, string? Html, string? Text);
