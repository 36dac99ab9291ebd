using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary><c>email</c>: where this email goes and how to stop the next ones.</summary>
internal sealed class EmailAddressValue(string to, string unsubscribeUrl) : ModelObjectValue
{
    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        "to" => new StringValue(to),
        "unsubscribe_url" => new StringValue(unsubscribeUrl),
        _ => NilValue.Instance,
    };
}
