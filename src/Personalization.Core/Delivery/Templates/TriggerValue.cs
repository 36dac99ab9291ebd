using Fluid;
using Fluid.Values;
using Personalization.Triggers;

namespace Personalization.Delivery.Templates;

/// <summary><c>trigger</c>: the decision that sends this email.</summary>
internal sealed class TriggerValue(SendIntent intent) : ModelObjectValue
{
    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        "name" => new StringValue(intent.Trigger),
        "send_key" => new StringValue(intent.SendKey),
        "started" => Date(intent.EnteredAt, context),
        "due" => Date(intent.Due, context),
        "reasons" => Strings(intent.Reasons),
        _ => NilValue.Instance,
    };
}
