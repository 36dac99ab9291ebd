namespace Personalization.Triggers;

/// <summary>
/// The policies between "due" and "send", for every trigger: suppression, consent, frequency cap and quiet hours.
/// Each decision they make is counted under its reason (see <see cref="TriggerReasons"/>) and traced per user.
/// </summary>
public sealed class SendPolicyOptions
{
    /// <summary>At most this many sends per user within <see cref="FrequencyWindow"/>, across all triggers; later
    /// due instances are suppressed (reason <see cref="TriggerReasons.FrequencyCap"/>).</summary>
    /// <value>The default is <see langword="null"/>: no cap. At least 1 when set.</value>
    public int? FrequencyCap { get; set; }

    /// <summary>The rolling window of <see cref="FrequencyCap"/>.</summary>
    /// <value>The default is 24 hours. Between 1 minute and 365 days.</value>
    public TimeSpan FrequencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>When quiet hours start, in the user's local time (trait <c>timezone</c>, an IANA or Windows zone id).
    /// A send due in quiet hours is deferred to their end.</summary>
    /// <value>The default is <see langword="null"/>: no quiet hours. Set together with <see cref="QuietHoursEnd"/>.</value>
    public TimeOnly? QuietHoursStart { get; set; }

    /// <summary>When quiet hours end, in the user's local time; may be before <see cref="QuietHoursStart"/> (22:00 to 08:00).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public TimeOnly? QuietHoursEnd { get; set; }

    /// <summary>The time zone of users without a valid <c>timezone</c> trait.</summary>
    /// <value>The default is <c>UTC</c>.</value>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>How long after its original due time a deferred send may still go out; a send that quiet hours would
    /// push past it is suppressed (reason <see cref="TriggerReasons.QuietHours"/>).</summary>
    /// <value>The default is 24 hours. Between zero and 7 days.</value>
    public TimeSpan SendBy { get; set; } = TimeSpan.FromHours(24);

    /// <summary>User ids and email addresses that never get an email (reason <see cref="TriggerReasons.Suppressed"/>).
    /// Compared without regard to case.</summary>
    public ISet<string> SuppressionList { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}
