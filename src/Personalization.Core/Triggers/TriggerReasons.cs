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

    /// <summary>The instance came due and its email is to be sent.</summary>
    public const string Fired = "fired";
}
