using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary><c>profile.event_counts</c>: any event name; 0 for events never seen.</summary>
internal sealed class EventCountsValue(Dictionary<string, long> counts) : ModelObjectValue
{
    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        _ when counts.TryGetValue(name, out var count) => NumberValue.Create(count),
        "size" => NumberValue.Create(counts.Count),
        _ => NumberValue.Zero,
    };
}
