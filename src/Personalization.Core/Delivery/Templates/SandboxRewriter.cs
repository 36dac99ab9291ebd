using Fluid;
using Fluid.Ast;

namespace Personalization.Delivery.Templates;

/// <summary>Rewrites a checked part so that ranges and captures stay within the <see cref="TemplateLimits"/>.</summary>
internal sealed class SandboxRewriter(int maxOutputChars) : AstRewriter
{
    /// <summary>The part, rewritten.</summary>
    public static IFluidTemplate Rewrite(IFluidTemplate template, TemplateLimits limits) =>
        new SandboxRewriter(limits.MaxOutputChars).VisitTemplate(template);

    /// <inheritdoc/>
    protected override Expression VisitRangeExpression(RangeExpression rangeExpression) =>
        new BoundedRangeExpression(Visit(rangeExpression.From), Visit(rangeExpression.To));

    /// <inheritdoc/>
    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        var statements = new List<Statement>(captureStatement.Statements.Count);
        foreach (var statement in captureStatement.Statements)
        {
            statements.Add(Visit(statement));
        }

        return new BoundedCaptureStatement(captureStatement.Identifier, statements, maxOutputChars);
    }
}
