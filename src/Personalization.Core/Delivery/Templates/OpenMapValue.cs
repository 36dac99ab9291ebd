using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary><c>profile.traits</c>: any key; values as the events carried them (strings, numbers, lists, objects).</summary>
internal sealed class OpenMapValue(Dictionary<string, object?> values) : ModelObjectValue
{
    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        _ when values.TryGetValue(name, out var value) => value is string text ? new StringValue(text) : FluidValue.Create(value, context.Options),
        "size" => NumberValue.Create(values.Count),
        _ => NilValue.Instance,
    };
}
