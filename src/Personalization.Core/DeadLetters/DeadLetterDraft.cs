namespace Personalization.DeadLetters;

/// <summary>
/// A dead letter to write: what <see cref="IDeadLetterStore.AppendAsync"/> takes. The store adds the id and the time,
/// and keeps at most <see cref="DeadLetterOptions.MaxRawBytes"/> of <see cref="Raw"/> (as text when it is valid UTF-8,
/// else as base64).
/// </summary>
public sealed class DeadLetterDraft
{
    /// <summary>What the entry is about.</summary>
    public required DeadLetterKind Kind { get; init; }

    /// <summary>The reason code.</summary>
    public required string Reason { get; init; }

    /// <summary>A readable explanation.</summary>
    public required string Message { get; init; }

    /// <summary>The event's <c>messageId</c>, when known.</summary>
    public string? MessageId { get; init; }

    /// <summary>The user the entry is about, when known.</summary>
    public string? UserId { get; init; }

    /// <summary>The raw payload as received; empty for none.</summary>
    public ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>For a failed send: its send key.</summary>
    public string? SendKey { get; init; }

    /// <summary>For a failed send: the trigger that decided it.</summary>
    public string? Trigger { get; init; }

    /// <summary>For a failed send: the address it was sent to.</summary>
    public string? To { get; init; }

    /// <summary>For a failed send: how many dispatch attempts were made.</summary>
    public int Attempts { get; init; }

    /// <summary>For a failed send: the last error.</summary>
    public string? Error { get; init; }
}
