using Fluid;
using Fluid.Values;
using Personalization.Triggers;

namespace Personalization.Delivery.Templates;

/// <summary>One of <c>events</c>: an event that started or restarted the trigger.</summary>
internal sealed class TriggeringEventValue(TriggeringEvent @event) : ModelObjectValue
{
    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        "name" => new StringValue(@event.Name),
        "timestamp" => Date(@event.Timestamp, context),
        "message_id" => Text(@event.MessageId),
        _ => NilValue.Instance,
    };
}
