using System.Text;

namespace Personalization.DeadLetters;

/// <summary>
/// One entry of the dead-letter store: a rejected, flagged or failed event with its raw payload, or a failed send,
/// with a reason code and a readable message. Immutable; the store assigns <see cref="Id"/> and <see cref="At"/>.
/// </summary>
public sealed record DeadLetter
{
    internal DeadLetter()
    {
    }

    /// <summary>The entry's id: increasing in the order entries were written, never reused, also across restarts.</summary>
    public long Id { get; internal init; }

    /// <summary>What the entry is about.</summary>
    public DeadLetterKind Kind { get; internal init; }

    /// <summary>The reason code (<see cref="Ingest.IngestReasons"/> for events, <see cref="Delivery.DeliveryReasons"/> for sends).</summary>
    public string Reason { get; internal init; } = string.Empty;

    /// <summary>A readable explanation.</summary>
    public string Message { get; internal init; } = string.Empty;

    /// <summary>When the entry was written, from the pipeline's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset At { get; internal init; }

    /// <summary>The event's <c>messageId</c>, when known.</summary>
    public string? MessageId { get; internal init; }

    /// <summary>The user the entry is about, when known.</summary>
    public string? UserId { get; internal init; }

    /// <summary>The raw payload (as text, or base64 per <see cref="RawEncoding"/>); <see langword="null"/> when there is
    /// none (failed sends).</summary>
    public string? Raw { get; internal init; }

    /// <summary>How <see cref="Raw"/> holds the payload.</summary>
    public DeadLetterRawEncoding RawEncoding { get; internal init; }

    /// <summary>Whether the payload was longer than <see cref="DeadLetterOptions.MaxRawBytes"/> and was cut.</summary>
    public bool RawTruncated { get; internal init; }

    /// <summary>For a failed send: its send key.</summary>
    public string? SendKey { get; internal init; }

    /// <summary>For a failed send: the trigger that decided it.</summary>
    public string? Trigger { get; internal init; }

    /// <summary>For a failed send: the address it was sent to, when one was known.</summary>
    public string? To { get; internal init; }

    /// <summary>For a failed send: how many dispatch attempts were made.</summary>
    public int Attempts { get; internal init; }

    /// <summary>For a failed send: the last error.</summary>
    public string? Error { get; internal init; }

    /// <summary>The raw payload's bytes (decoded from base64 when needed); empty when there is none.</summary>
    public byte[] GetRawBytes() => Raw is null ? []
        : RawEncoding == DeadLetterRawEncoding.Base64 ? Convert.FromBase64String(Raw) : Encoding.UTF8.GetBytes(Raw);
}
