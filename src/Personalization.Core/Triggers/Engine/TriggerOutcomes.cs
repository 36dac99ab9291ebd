namespace Personalization.Triggers.Engine;

/// <summary>The outcome names of decisions, as in metrics and traces.</summary>
internal static class TriggerOutcomes
{
    public const string Entered = "entered";
    public const string Restarted = "restarted";
    public const string Cancelled = "cancelled";
    public const string Suppressed = "suppressed";
    public const string Deferred = "deferred";
    public const string Fired = "fired";
}
