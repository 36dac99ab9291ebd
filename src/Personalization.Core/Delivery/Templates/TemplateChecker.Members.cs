using System.Text;
using Fluid.Ast;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

internal sealed partial class TemplateChecker
{
    // Filters that return the elements of their input list, so that a loop over their result keeps the element's members.
    private static readonly HashSet<string> s_elementPreservingFilters = new(StringComparer.Ordinal)
    {
        "sort", "sort_natural", "where", "reverse", "uniq", "compact", "concat",
    };

    private ModelSchema Resolve(MemberExpression member)
    {
        var segments = member.Segments;
        if (segments.Count == 0 || segments[0] is not IdentifierSegment root)
        {
            foreach (var segment in segments)
            {
                VisitSegment(segment);
            }

            return ModelSchema.Open;
        }

        var path = new StringBuilder(root.Identifier);
        if (!TryResolveRoot(root.Identifier, out var schema))
        {
            Report($"unknown member '{root.Identifier}'", root.Identifier);
            return ModelSchema.Open;
        }

        var isEmail = root.Identifier == "email";
        if (root.Identifier == "unsubscribe_url" && segments.Count == 1)
        {
            UsesUnsubscribeUrl = true;
        }

        for (var i = 1; i < segments.Count; i++)
        {
            switch (segments[i])
            {
                case IdentifierSegment identifier:
                    path.Append('.').Append(identifier.Identifier);
                    if (!schema.TryGetMember(identifier.Identifier, out schema))
                    {
                        Report($"unknown member '{path}'", path.ToString(), identifier.Identifier);
                        return ModelSchema.Open;
                    }

                    if (isEmail && i == 1 && identifier.Identifier == "unsubscribe_url")
                    {
                        UsesUnsubscribeUrl = true;
                    }

                    break;
                case IndexerSegment indexer:
                    Visit(indexer.Expression);
                    var key = (indexer.Expression as LiteralExpression)?.Value is StringValue literal ? literal.ToStringValue() : null;
                    path.Append('[').Append(key is null ? "..." : $"\"{key}\"").Append(']');
                    schema = schema.Index(key);
                    break;
                default:
                    VisitSegment(segments[i]);
                    schema = ModelSchema.Open;
                    break;
            }
        }

        return schema;
    }

    private bool TryResolveRoot(string name, out ModelSchema schema)
    {
        for (var i = _scopes.Count - 1; i >= 0; i--)
        {
            if (_scopes[i].Key == name)
            {
                schema = _scopes[i].Value;
                return true;
            }
        }

        if (_variables.Contains(name))
        {
            schema = ModelSchema.Open;
            return true;
        }

        return EmailModelSchema.Root.TryGetMember(name, out schema) && name != "size";
    }

    private void VisitSegment(MemberSegment segment)
    {
        if (segment is IndexerSegment indexer)
        {
            Visit(indexer.Expression);
        }
        else if (segment is FunctionCallSegment call)
        {
            foreach (var argument in call.Arguments)
            {
                Visit(argument.Expression);
            }
        }
    }

    private ModelSchema ElementOf(Expression? source) => source switch
    {
        MemberExpression member => ElementOfSchema(Resolve(member)),
        FilterExpression filter when s_elementPreservingFilters.Contains(filter.Name) => ElementOf(filter.Input),
        RangeExpression => ModelSchema.Scalar,
        _ => ModelSchema.Open,
    };

    private static ModelSchema ElementOfSchema(ModelSchema schema) =>
        schema.Kind == ModelSchemaKind.List ? schema.Element! : ModelSchema.Open;

    private void Report(string message, string needle, string? fallbackNeedle = null)
    {
        if (_reported.Add(message))
        {
            _problems.Add((message, fallbackNeedle is null ? needle : needle + "\n" + fallbackNeedle));
        }
    }
}
