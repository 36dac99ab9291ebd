namespace Personalization.Ingest;

/// <summary>
/// The reason codes of rejected events. They are stable strings: use them in dashboards, alerts and dead-letter
/// queries.
/// </summary>
public static class IngestReasons
{
    /// <summary>Not valid UTF-8 or JSON, not a JSON object, or cut off. For a batch that is not valid JSON as a whole,
    /// one result stands for the whole payload.</summary>
    public const string Malformed = "malformed";

    /// <summary>A required field is missing: <c>messageId</c>, both <c>userId</c> and <c>anonymousId</c>,
    /// <c>timestamp</c>, <c>type</c>, or the <c>event</c> of a <c>track</c> call (absent or empty).</summary>
    public const string MissingField = "missing_field";

    /// <summary><c>type</c> is not one of <c>track</c>, <c>identify</c>, <c>page</c>, <c>screen</c>, <c>group</c>, <c>alias</c>.</summary>
    public const string InvalidType = "invalid_type";

    /// <summary><c>timestamp</c> is not an ISO-8601 date and time (or not a string).</summary>
    public const string InvalidTimestamp = "invalid_timestamp";

    /// <summary><c>timestamp</c> is more than <see cref="ValidationOptions.MaxFutureSkew"/> (24 hours by default) after
    /// the pipeline's current time.</summary>
    public const string FutureTimestamp = "future_timestamp";

    /// <summary>An e-commerce amount (<c>price</c>, <c>revenue</c>, <c>total</c>, <c>value</c>, <c>quantity</c>) in
    /// <c>properties</c> or in an item of <c>properties.products</c> is not a finite non-negative number. Numeric
    /// strings such as <c>"12.50"</c> (invariant culture, a dot for decimals) are accepted; <c>"NaN"</c>,
    /// <c>"12,50"</c>, <c>true</c>, <c>1e400</c> and negative amounts are not. A <see langword="null"/> amount counts as absent.</summary>
    public const string InvalidProperty = "invalid_property";

    /// <summary>The event is over a limit of <see cref="ValidationOptions"/>: its JSON is larger than
    /// <see cref="ValidationOptions.MaxEventBytes"/> (32,768 bytes), it has more than
    /// <see cref="ValidationOptions.MaxProperties"/> (1,000) keys in <c>properties</c> and <c>traits</c>, it nests deeper than
    /// <see cref="ValidationOptions.MaxDepth"/> (32), a string is longer than <see cref="ValidationOptions.MaxStringLength"/>
    /// (8,192 characters), or an id (<c>messageId</c>, <c>userId</c>, <c>anonymousId</c> or <c>previousId</c>) is
    /// longer than 1,024 characters.</summary>
    public const string TooLarge = "too_large";

    /// <summary>A <c>userId</c>, <c>anonymousId</c> or <c>previousId</c> is a placeholder that buggy clients send in
    /// place of an id (<see cref="ValidationOptions.JunkIds"/>: <c>"null"</c>, <c>"undefined"</c>, <c>"0"</c>, ...,
    /// compared trimmed and ignoring case), or is blank. An empty string (<c>""</c>) is taken as absent when the other id
    /// is good, as analytics.js sends <c>"userId": ""</c> for visitors; it is junk when it is the only id.</summary>
    public const string JunkIdentity = "junk_identity";

    /// <summary>The event breaks the JSON Schema that the tracking plan (<see cref="ValidationOptions.Schemas"/>) has
    /// for it, and the plan says <see cref="SchemaViolationAction.Reject"/>. With
    /// <see cref="SchemaViolationAction.Flag"/> the event is accepted and this code is its flag.</summary>
    public const string SchemaViolation = "schema_violation";

    /// <summary><c>context.schema_version</c> is newer than <see cref="ValidationOptions.SchemaVersion"/>, is not a whole
    /// number of at least 1, or is older and no chain of upcasters (<see cref="ValidationOptions.AddUpcaster"/>) leads
    /// from it to the current version; or an upcaster failed (threw or returned null).</summary>
    public const string UnsupportedSchemaVersion = "unsupported_schema_version";

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
