namespace Personalization.Triggers;

/// <summary>The reason codes of trigger decisions: stable strings for metrics, traces and dashboards.</summary>
public static class TriggerReasons
{
    /// <summary>An entry event started an instance.</summary>
    public const string Entered = "entered";

    /// <summary>A restart event moved a pending instance's due time.</summary>
    public const string Restarted = "restarted";

    /// <summary>A cancel event ended a pending instance.</summary>
    public const string CancelEvent = "cancel_event";

    /// <summary>The exit condition held when the instance came due (for example an empty cart).</summary>
    public const string ExitCondition = "exit_condition";

    /// <summary>The re-entry policy stopped the send (the user got this trigger's email too recently).</summary>
    public const string Reentry = "reentry";

    /// <summary>The user has unsubscribed (trait <c>unsubscribed</c> is true).</summary>
    public const string Unsubscribed = "unsubscribed";

    /// <summary>The user or their email is on the suppression list.</summary>
    public const string Suppressed = "suppression_list";

    /// <summary>The user withdrew consent for the trigger's category (trait <c>consent_&lt;category&gt;</c> is false).</summary>
    public const string NoConsent = "no_consent";

    /// <summary>The user reached the frequency cap (at most N sends per rolling window, across all triggers).</summary>
    public const string FrequencyCap = "frequency_cap";

    /// <summary>The send fell in the user's quiet hours: deferred to their end, or suppressed when that is past the
    /// send-by deadline.</summary>
    public const string QuietHours = "quiet_hours";

    /// <summary>An identity merge moved the instance from the merged profile (an anonymous visitor who identified)
    /// to the known user (outcome <c>entered</c>), or ended it because the user already had the same instance
    /// (outcome <c>cancelled</c>).</summary>
    public const string Merged = "merged";

    /// <summary>The instance came due and its email is to be sent.</summary>
    public const string Fired = "fired";
}
