using Personalization.Events;
using Personalization.Profiles;

namespace Personalization.Triggers;

/// <summary>Builds a <see cref="TriggerDefinition"/>; every method returns the same builder.</summary>
public sealed class TriggerBuilder
{
    private readonly List<string> _restartOn = [];
    private readonly List<string> _cancelOn = [];
    private Func<SegmentEvent, CustomerProfile, bool>? _entryCondition;
    private TimeSpan _delay = TimeSpan.FromHours(1);
    private Func<CustomerProfile, bool>? _exitWhen;
    private ReentryPolicy _reentry = ReentryPolicy.Always;
    private Func<SegmentEvent, string?>? _instanceKey;
    private string? _template;
    private string _category = "marketing";
    private Func<TriggerEventContext, bool>? _contextCondition;

    internal TriggerBuilder(string name, string entryEvent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(entryEvent);
        Name = name;
        EntryEvent = entryEvent;
    }

    /// <summary>The trigger's name.</summary>
    public string Name { get; }

    /// <summary>The entry event's name.</summary>
    public string EntryEvent { get; }

    /// <summary>Enters only when <paramref name="condition"/> holds for the entry event and the profile after it.
    /// Several conditions must all hold.</summary>
    public TriggerBuilder If(Func<SegmentEvent, CustomerProfile, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var previous = _entryCondition;
        _entryCondition = previous is null ? condition : (@event, profile) => previous(@event, profile) && condition(@event, profile);
        return this;
    }

    /// <summary>Enters only when <paramref name="predicate"/> becomes true with this event: false (or no profile)
    /// before it, true after it. For segment-entry and threshold triggers.</summary>
    public TriggerBuilder IfBecomes(Func<CustomerProfile, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        _contextCondition = context => predicate(context.Profile) && (context.ProfileBefore is not { } before || !predicate(before));
        return this;
    }

    /// <summary>Files the trigger's emails under <paramref name="category"/> for consent. The default is <c>marketing</c>.</summary>
    public TriggerBuilder InCategory(string category)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        _category = category;
        return this;
    }

    /// <summary>Comes due <paramref name="delay"/> after the entry (or the last restart). The default is 1 hour.</summary>
    public TriggerBuilder After(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _delay = delay;
        return this;
    }

    /// <summary>These events move a pending instance's due time to their time plus the delay.</summary>
    public TriggerBuilder RestartOn(params string[] eventNames)
    {
        _restartOn.AddRange(Names(eventNames));
        return this;
    }

    /// <summary>These events cancel a pending instance.</summary>
    public TriggerBuilder CancelOn(params string[] eventNames)
    {
        _cancelOn.AddRange(Names(eventNames));
        return this;
    }

    /// <summary>When <paramref name="condition"/> holds for the profile as the instance comes due, it is cancelled.</summary>
    public TriggerBuilder ExitWhen(Func<CustomerProfile, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        _exitWhen = condition;
        return this;
    }

    /// <summary>Sets the re-entry policy. The default is <see cref="ReentryPolicy.Always"/>.</summary>
    public TriggerBuilder Reentry(ReentryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _reentry = policy;
        return this;
    }

    /// <summary>Keys instances by <paramref name="instanceKey"/> (for example a <c>cart_id</c> property) instead of
    /// by user; a <see langword="null"/> key falls back to the user.</summary>
    public TriggerBuilder KeyedBy(Func<SegmentEvent, string?> instanceKey)
    {
        ArgumentNullException.ThrowIfNull(instanceKey);
        _instanceKey = instanceKey;
        return this;
    }

    /// <summary>Sends the template named <paramref name="template"/> when an instance fires.</summary>
    public TriggerBuilder SendTemplate(string template)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        _template = template;
        return this;
    }

    /// <summary>The definition; the template defaults to the trigger's name.</summary>
    public TriggerDefinition Build() => new(Name, EntryEvent, _entryCondition, _delay, [.. _restartOn], [.. _cancelOn], _exitWhen,
        _reentry, _instanceKey, _template ?? Name, _category, _contextCondition);

    private static IEnumerable<string> Names(string[] eventNames)
    {
        ArgumentNullException.ThrowIfNull(eventNames);
        foreach (var name in eventNames)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(eventNames));
            yield return name;
        }
    }
}
