using Fluid;
using Fluid.Ast;
using Fluid.Parser;

namespace Personalization.Delivery.Templates;

/// <summary>
/// Walks one parsed part and checks every member path against <see cref="EmailModelSchema"/>, every filter against
/// the registered ones, and that nothing needs a file (<c>include</c>, <c>render</c>). Loop variables are in scope in
/// their loop; <c>assign</c>, <c>capture</c>, <c>increment</c> and <c>decrement</c> names anywhere in the part.
/// </summary>
internal sealed partial class TemplateChecker : AstVisitor
{
    private readonly TemplateOptions _options;
    private readonly List<(string Message, string Needle)> _problems = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, ModelSchema>> _scopes = [];
    private readonly HashSet<string> _variables;

    private TemplateChecker(TemplateOptions options, HashSet<string> variables)
    {
        _options = options;
        _variables = variables;
    }

    /// <summary>Whether the part uses <c>unsubscribe_url</c> or <c>email.unsubscribe_url</c>.</summary>
    public bool UsesUnsubscribeUrl { get; private set; }

    /// <summary>Checks <paramref name="template"/>; returns each problem with the text to look for in the source.</summary>
    public static (IReadOnlyList<(string Message, string Needle)> Problems, bool UsesUnsubscribeUrl) Check(
        IFluidTemplate template, TemplateOptions options)
    {
        var collector = new VariableCollector();
        collector.VisitTemplate(template);
        var checker = new TemplateChecker(options, collector.Names);
        checker.VisitTemplate(template);
        return (checker._problems, checker.UsesUnsubscribeUrl);
    }

    /// <inheritdoc/>
    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        Resolve(memberExpression);
        return memberExpression;
    }

    /// <inheritdoc/>
    protected override Expression VisitFilterExpression(FilterExpression filterExpression)
    {
        if (!_options.Filters.TryGetValue(filterExpression.Name, out _))
        {
            Report($"unknown filter '{filterExpression.Name}'", filterExpression.Name);
        }

        return base.VisitFilterExpression(filterExpression);
    }

    /// <inheritdoc/>
    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        Visit(forStatement.Source);
        Visit(forStatement.Limit);
        Visit(forStatement.Offset);
        VisitLoopBody(forStatement.Identifier, ElementOf(forStatement.Source), "forloop", EmailModelSchema.ForLoop,
            forStatement.Statements);
        Visit(forStatement.Else);
        return forStatement;
    }

    /// <inheritdoc/>
    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
    {
        Visit(tableRowStatement.Source);
        Visit(tableRowStatement.Limit);
        Visit(tableRowStatement.Offset);
        Visit(tableRowStatement.Cols);
        VisitLoopBody(tableRowStatement.Identifier, ElementOf(tableRowStatement.Source), "tablerowloop", ModelSchema.Open,
            tableRowStatement.Statements);
        return tableRowStatement;
    }

    /// <inheritdoc/>
    protected override Statement VisitIncludeStatement(IncludeStatement includeStatement)
    {
        Report("'include' is not supported: an email template is one self-contained source", "include");
        return includeStatement;
    }

    /// <inheritdoc/>
    protected override Statement VisitRenderStatement(RenderStatement renderStatement)
    {
        Report("'render' is not supported: an email template is one self-contained source", "render");
        return renderStatement;
    }

    /// <inheritdoc/>
    protected override Statement VisitFromStatement(FromStatement fromStatement)
    {
        Report("'from' is not supported: an email template is one self-contained source", "from");
        return fromStatement;
    }

    private void VisitLoopBody(string identifier, ModelSchema element, string loopName, ModelSchema loop,
        IReadOnlyList<Statement> statements)
    {
        _scopes.Add(new(loopName, loop));
        _scopes.Add(new(identifier, element));
        foreach (var statement in statements)
        {
            Visit(statement);
        }

        _scopes.RemoveRange(_scopes.Count - 2, 2);
    }
}
