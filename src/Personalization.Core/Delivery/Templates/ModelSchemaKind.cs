namespace Personalization.Delivery.Templates;

/// <summary>The kinds of <see cref="ModelSchema"/>.</summary>
internal enum ModelSchemaKind
{
    /// <summary>A string, number, boolean or date.</summary>
    Scalar,

    /// <summary>An object with known members.</summary>
    Object,

    /// <summary>A list of elements of one shape.</summary>
    List,

    /// <summary>A map that takes any key.</summary>
    Open,
}
