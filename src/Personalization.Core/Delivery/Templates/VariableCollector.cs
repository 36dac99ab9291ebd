using Fluid.Ast;

namespace Personalization.Delivery.Templates;

/// <summary>Collects the names a part defines with <c>assign</c>, <c>capture</c>, <c>increment</c> and <c>decrement</c>.</summary>
internal sealed class VariableCollector : AstVisitor
{
    /// <summary>The names found.</summary>
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        Names.Add(assignStatement.Identifier);
        return base.VisitAssignStatement(assignStatement);
    }

    /// <inheritdoc/>
    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        Names.Add(captureStatement.Identifier);
        return base.VisitCaptureStatement(captureStatement);
    }

    /// <inheritdoc/>
    protected override Statement VisitIncrementStatement(IncrementStatement incrementStatement)
    {
        Names.Add(incrementStatement.Identifier);
        return base.VisitIncrementStatement(incrementStatement);
    }

    /// <inheritdoc/>
    protected override Statement VisitDecrementStatement(DecrementStatement decrementStatement)
    {
        Names.Add(decrementStatement.Identifier);
        return base.VisitDecrementStatement(decrementStatement);
    }
}
