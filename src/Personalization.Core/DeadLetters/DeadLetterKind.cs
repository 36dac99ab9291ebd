namespace Personalization.DeadLetters;

/// <summary>What a dead letter is about. Written as snake_case in the store's files (<c>rejected_event</c>, ...).</summary>
public enum DeadLetterKind
{
    /// <summary>An event rejected at ingest (malformed, a missing field, ...): it never entered the pipeline.</summary>
    RejectedEvent,

    /// <summary>An event that was accepted but flagged by a tracking plan.</summary>
    FlaggedEvent,

    /// <summary>An event that was accepted but could not be applied to its profile (reason <c>processing_error</c>).</summary>
    FailedEvent,

    /// <summary>An email that failed for good: rejected by the platform, out of retries, or not renderable.</summary>
    FailedSend,
}
