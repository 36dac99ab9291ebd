namespace Personalization.Ingest;

/// <summary>
/// The reason codes of rejected events. They are stable strings: use them in dashboards, alerts and dead-letter
/// queries.
/// </summary>
public static class IngestReasons
{
    /// <summary>Not valid UTF-8 or JSON, not a JSON object, or cut off.</summary>
    public const string Malformed = "malformed";

    /// <summary>A required field is missing: <c>messageId</c>, both <c>userId</c> and <c>anonymousId</c>,
    /// <c>timestamp</c>, <c>type</c>, or the <c>event</c> of a <c>track</c> call.</summary>
    public const string MissingField = "missing_field";

    /// <summary><c>type</c> is not one of <c>track</c>, <c>identify</c>, <c>page</c>, <c>screen</c>, <c>group</c>, <c>alias</c>.</summary>
    public const string InvalidType = "invalid_type";

    /// <summary><c>timestamp</c> is not an ISO-8601 date and time.</summary>
    public const string InvalidTimestamp = "invalid_timestamp";

    /// <summary>An id (<c>messageId</c>, <c>userId</c>, <c>anonymousId</c> or <c>previousId</c>) is longer than 1,024 characters.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The pipeline is full and its <see cref="Pipeline.PipelineFullMode"/> is <c>Reject</c>.</summary>
    public const string PipelineFull = "pipeline_full";

    /// <summary>The event was accepted but could not be applied to its profile (for example an amount too large
    /// for the profile's totals). It is counted under this reason in the <c>personalization.events.rejected</c> metric
    /// and logged; the profile keeps its state before the event.</summary>
    public const string ProcessingError = "processing_error";

    /// <summary>The pipeline is stopping or stopped and takes no more events.</summary>
    public const string Stopped = "stopped";

    /// <summary>The data directory's storage failed (a disk full, an I/O error): the event could not be made durable
    /// and was not applied. The pipeline reports itself unhealthy and takes no more events until it is restarted;
    /// send the event again then.</summary>
    public const string StorageUnavailable = "storage_unavailable";
}
