namespace Personalization.Ingest;

/// <summary>What the pipeline did with one event.</summary>
public enum IngestStatus
{
    /// <summary>The event was taken and will be applied to its user's profile.</summary>
    Accepted,

    /// <summary>An event with the same <c>messageId</c> was accepted within the dedupe window: this one was dropped.</summary>
    Duplicate,

    /// <summary>The event was not taken; <see cref="IngestResult.ReasonCode"/> says why.</summary>
    Rejected,
}
