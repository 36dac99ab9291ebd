using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary>
/// <c>{% capture name %}...{% endcapture %}</c> whose text is held to MaxOutputChars: Fluid captures into a writer of
/// its own, which the output limit of the part would never see.
/// </summary>
internal sealed class BoundedCaptureStatement(string identifier, IReadOnlyList<Statement> statements, int maxChars) : Statement
{
    /// <inheritdoc/>
    public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
    {
        var completion = Completion.Normal;
        var capture = LimitedStringWriter.Rent(maxChars);
        try
        {
            foreach (var statement in statements)
            {
                completion = await statement.WriteToAsync(capture, encoder, context).ConfigureAwait(false);
                if (completion != Completion.Normal)
                {
                    break;
                }
            }

            (context as RenderContext)?.Charge(capture.Length);

            // Captured text is already encoded: it must not be encoded again when written.
            context.SetValue(identifier, new StringValue(capture.ToString(), false));
        }
        finally
        {
            LimitedStringWriter.Return(capture);
        }

        return completion;
    }
}
