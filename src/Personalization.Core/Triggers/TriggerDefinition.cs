using Personalization.Events;
using Personalization.Profiles;

namespace Personalization.Triggers;

/// <summary>
/// A declarative journey: an entry event starts an instance that comes due after a delay, unless a cancel event or
/// an exit condition ends it first; when due, the re-entry policy decides whether its template is sent.
/// Build one with <see cref="Trigger.When(string, string)"/> or take a built-in from <see cref="Trigger"/>.
/// </summary>
public sealed class TriggerDefinition
{
    internal TriggerDefinition(string name, string entryEvent, Func<SegmentEvent, CustomerProfile, bool>? entryCondition, TimeSpan delay,
        IReadOnlyList<string> restartOn, IReadOnlyList<string> cancelOn, Func<CustomerProfile, bool>? exitWhen, ReentryPolicy reentry,
        Func<SegmentEvent, string?>? instanceKey, string template, string category, Func<TriggerEventContext, bool>? contextCondition)
    {
        Category = category;
        ContextCondition = contextCondition;
        Name = name;
        EntryEvent = entryEvent;
        EntryCondition = entryCondition;
        Delay = delay;
        RestartOn = restartOn;
        CancelOn = cancelOn;
        ExitWhen = exitWhen;
        Reentry = reentry;
        InstanceKey = instanceKey;
        Template = template;
    }

    /// <summary>The trigger's name: unique in a pipeline, used in metrics, send keys and decision traces.</summary>
    public string Name { get; }

    /// <summary>The <c>track</c> event name that starts an instance.</summary>
    public string EntryEvent { get; }

    /// <summary>An extra condition on the entry event and the profile after it, if any.</summary>
    public Func<SegmentEvent, CustomerProfile, bool>? EntryCondition { get; }

    /// <summary>How long after the entry (or the last restart) an instance comes due.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Event names that move a pending instance's due time to the event's time plus <see cref="Delay"/>.</summary>
    public IReadOnlyList<string> RestartOn { get; }

    /// <summary>Event names that cancel a pending instance.</summary>
    public IReadOnlyList<string> CancelOn { get; }

    /// <summary>A condition on the profile, checked when the instance comes due: when it holds, the instance is
    /// cancelled (reason <see cref="TriggerReasons.ExitCondition"/>).</summary>
    public Func<CustomerProfile, bool>? ExitWhen { get; }

    /// <summary>Whether a user may get this trigger's email again.</summary>
    public ReentryPolicy Reentry { get; }

    /// <summary>Picks the instance key from an event (for example a <c>cart_id</c>); <see langword="null"/> or a
    /// <see langword="null"/> result means the user's profile id.</summary>
    public Func<SegmentEvent, string?>? InstanceKey { get; }

    /// <summary>The email category, for consent: a user whose trait <c>consent_&lt;category&gt;</c> is false is not sent to.</summary>
    public string Category { get; }

    /// <summary>A condition on the whole trigger-stage context (profile before and after), for segment-entry triggers.</summary>
    internal Func<TriggerEventContext, bool>? ContextCondition { get; }

    /// <summary>The name of the template to send.</summary>
    public string Template { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {EntryEvent} + {Delay} -> {Template}";
}
