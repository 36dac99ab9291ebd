using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary>The top level of the template model: <c>profile</c>, <c>trigger</c>, <c>events</c>, <c>email</c>,
/// <c>unsubscribe_url</c> and <c>now</c> (see <see cref="EmailModelSchema"/>).</summary>
internal sealed class EmailModelValue(EmailModel model) : ModelObjectValue
{
    private ProfileValue? _profile;
    private FluidValue? _trigger;
    private FluidValue? _events;
    private FluidValue? _email;

    /// <summary>The model this value shows.</summary>
    public EmailModel Model => model;

    /// <inheritdoc/>
    protected override FluidValue GetMember(string name, TemplateContext context) => name switch
    {
        "profile" => _profile ??= new ProfileValue(model.Profile),
        "trigger" => _trigger ??= new TriggerValue(model.Intent),
        "events" => _events ??= Events(),
        "email" => _email ??= new EmailAddressValue(model.To, model.UnsubscribeUrl),
        "unsubscribe_url" => new StringValue(model.UnsubscribeUrl),
        "now" => Date(model.Now, context),
        _ => NilValue.Instance,
    };

    private ArrayValue Events()
    {
        var events = model.Intent.Events;
        var items = new FluidValue[events.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new TriggeringEventValue(events[i]);
        }

        return new ArrayValue(items);
    }
}
