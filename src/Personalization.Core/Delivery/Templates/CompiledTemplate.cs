using Fluid;

namespace Personalization.Delivery.Templates;

/// <summary>The parsed, checked and sandboxed parts of one email template.</summary>
/// <param name="Name">The template's name.</param>
/// <param name="Subject">The subject.</param>
/// <param name="Html">The HTML part, if any.</param>
/// <param name="Text">The text part, if any.</param>
internal sealed record CompiledTemplate(string Name, IFluidTemplate Subject, IFluidTemplate? Html, IFluidTemplate? Text);
