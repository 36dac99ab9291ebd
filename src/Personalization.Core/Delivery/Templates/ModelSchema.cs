namespace Personalization.Delivery.Templates;

/// <summary>
/// The shape of a value templates can reach, for checking member paths when templates compile: an object with
/// known members, a list of elements, an open map (any key) or a scalar.
/// </summary>
internal sealed class ModelSchema
{
    /// <summary>A string, number, boolean or date.</summary>
    public static readonly ModelSchema Scalar = new(ModelSchemaKind.Scalar, null, null);

    /// <summary>A value whose members are not known: traits, event counts, assigned variables.</summary>
    public static readonly ModelSchema Open = new(ModelSchemaKind.Open, null, null);

    private readonly Dictionary<string, ModelSchema>? _members;

    private ModelSchema(ModelSchemaKind kind, Dictionary<string, ModelSchema>? members, ModelSchema? element)
    {
        Kind = kind;
        _members = members;
        Element = element;
    }

    /// <summary>What kind of value this is.</summary>
    public ModelSchemaKind Kind { get; }

    /// <summary>A list's element.</summary>
    public ModelSchema? Element { get; }

    /// <summary>An object with the given members (filled in by the caller, so that shapes can refer to themselves).</summary>
    public static ModelSchema Object(Dictionary<string, ModelSchema> members) => new(ModelSchemaKind.Object, members, null);

    /// <summary>A list of <paramref name="element"/>.</summary>
    public static ModelSchema List(ModelSchema element) => new(ModelSchemaKind.List, null, element);

    /// <summary>The shape of member <paramref name="name"/>, if a value of this shape has it.</summary>
    public bool TryGetMember(string name, out ModelSchema member)
    {
        // Liquid gives every value a size, and lists a first and a last.
        if (name == "size")
        {
            member = Scalar;
            return true;
        }

        switch (Kind)
        {
            case ModelSchemaKind.Open:
                member = Open;
                return true;
            case ModelSchemaKind.List when name is "first" or "last":
                member = Element!;
                return true;
            case ModelSchemaKind.Object when _members!.TryGetValue(name, out var found):
                member = found;
                return true;
            default:
                member = Open;
                return false;
        }
    }

    /// <summary>The shape of <c>value[index]</c>.</summary>
    public ModelSchema Index(string? literalKey) => Kind switch
    {
        ModelSchemaKind.List => Element!,
        ModelSchemaKind.Object when literalKey is not null && TryGetMember(literalKey, out var member) => member,
        _ => Open,
    };
}
