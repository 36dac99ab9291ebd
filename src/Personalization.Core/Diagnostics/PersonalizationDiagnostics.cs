namespace Personalization.Diagnostics;

/// <summary>Names of the engine's telemetry, for <c>AddMeter</c> and <c>AddSource</c> in OpenTelemetry.</summary>
public static class PersonalizationDiagnostics
{
    /// <summary>The name of the engine's <see cref="System.Diagnostics.Metrics.Meter"/> and
    /// <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string Name = "Personalization";

    /// <summary>Counter: events accepted into the pipeline.</summary>
    public const string EventsAccepted = "personalization.events.accepted";

    /// <summary>Counter: events rejected, tagged with <c>reason</c>.</summary>
    public const string EventsRejected = "personalization.events.rejected";

    /// <summary>Counter: events dropped as duplicates.</summary>
    public const string EventsDuplicate = "personalization.events.duplicate";

    /// <summary>Gauge: events waiting in a stage's queue, tagged with <c>stage</c> (and <c>shard</c>).</summary>
    public const string QueueDepth = "personalization.queue.depth";

    /// <summary>Counter: identity merges (an <c>identify</c> linking an anonymous id, or an <c>alias</c>), tagged with
    /// <c>outcome</c>: <c>merged</c> (a profile or pending trigger moved), <c>linked</c> (nothing to move yet; later
    /// events of the id go to the user) or <c>skipped</c> (the id was already merged into another user).</summary>
    public const string IdentityMerges = "personalization.identity.merges";

    /// <summary>Histogram (ms): time a stage spent on one event, tagged with <c>stage</c>: <c>ingest</c> (parsing
    /// JSON), <c>dedupe</c>, <c>enrich</c> (the profile update) and <c>trigger</c> (the trigger evaluator).</summary>
    public const string StageDuration = "personalization.stage.duration";

    /// <summary>Histogram (ms): from the ingest call to the trigger stage done with the event.</summary>
    public const string EndToEndLatency = "personalization.pipeline.latency";

    /// <summary>Counter: trigger decisions, tagged with <c>trigger</c>, <c>outcome</c> (<c>entered</c>,
    /// <c>restarted</c>, <c>cancelled</c>, <c>suppressed</c>, <c>deferred</c>, <c>fired</c>) and <c>reason</c>
    /// (see <see cref="Triggers.TriggerReasons"/>).</summary>
    public const string TriggerDecisions = "personalization.trigger.decisions";

    /// <summary>Counter: emails rendered, tagged with <c>trigger</c> and <c>dispatcher</c>.</summary>
    public const string EmailsRendered = "personalization.emails.rendered";

    /// <summary>Counter: emails the platform accepted, tagged with <c>trigger</c> and <c>dispatcher</c>.</summary>
    public const string EmailsSent = "personalization.emails.sent";

    /// <summary>Counter: sends that failed for good (dead-lettered), tagged with <c>trigger</c>, <c>dispatcher</c> and
    /// <c>reason</c> (see <see cref="Delivery.DeliveryReasons"/>).</summary>
    public const string EmailsFailed = "personalization.emails.failed";

    /// <summary>Counter: attempts that failed and were retried, tagged with <c>trigger</c> and <c>dispatcher</c>.</summary>
    public const string EmailsRetried = "personalization.emails.retried";

    /// <summary>Counter: sends skipped, tagged with <c>trigger</c> and <c>reason</c> (<c>no_address</c>, <c>unsubscribed</c>, ...).</summary>
    public const string EmailsSkipped = "personalization.emails.skipped";

    /// <summary>Histogram (ms): from the trigger's decision to the platform accepting the email, tagged with
    /// <c>trigger</c> and <c>dispatcher</c>.</summary>
    public const string DeliveryLatency = "personalization.email.delivery.latency";

    /// <summary>Counter: dead letters written, tagged with <c>kind</c> (<c>rejected_event</c>, <c>flagged_event</c>,
    /// <c>failed_event</c>, <c>failed_send</c>) and <c>reason</c>.</summary>
    public const string DeadLettersWritten = "personalization.deadletters.written";

    /// <summary>Counter: dead letters dropped, tagged with <c>cause</c>: <c>size</c> and <c>age</c> (the oldest segment
    /// went to stay within the bounds) or <c>write_failure</c> (they could not be written).</summary>
    public const string DeadLettersDropped = "personalization.deadletters.dropped";
}
