namespace Personalization.Ingest;

/// <summary>The outcome of ingesting one event.</summary>
/// <param name="Status">Whether the event was accepted, dropped as a duplicate, or rejected.</param>
/// <param name="MessageId">The event's <c>messageId</c>, when it had one.</param>
/// <param name="ReasonCode">Why the event was rejected (see <see cref="IngestReasons"/>); <see langword="null"/> otherwise.</param>
/// <param name="Message">A readable explanation of the rejection; <see langword="null"/> otherwise.</param>
public readonly record struct IngestResult(IngestStatus Status, string? MessageId, string? ReasonCode = null, string? Message = null)
{
    /// <summary>An accepted event.</summary>
    public static IngestResult Accepted(string messageId) => new(IngestStatus.Accepted, messageId);

    /// <summary>A duplicate event.</summary>
    public static IngestResult Duplicate(string messageId) => new(IngestStatus.Duplicate, messageId);

    /// <summary>A rejected event.</summary>
    public static IngestResult Rejected(string? messageId, string reasonCode, string message) =>
        new(IngestStatus.Rejected, messageId, reasonCode, message);

    /// <inheritdoc />
    public override string ToString() => Status == IngestStatus.Rejected
        ? $"Rejected {MessageId}: {ReasonCode}: {Message}"
        : $"{Status} {MessageId}";
}
