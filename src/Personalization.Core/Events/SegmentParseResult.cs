using System.Diagnostics.CodeAnalysis;

namespace Personalization.Events;

/// <summary>The outcome of parsing one Segment event: the event, or why it was rejected.</summary>
public readonly struct SegmentParseResult
{
    private SegmentParseResult(SegmentEvent? @event, string? reasonCode, string? message, string? messageId)
    {
        Event = @event;
        ReasonCode = reasonCode;
        Message = message;
        MessageId = messageId ?? @event?.MessageId;
    }

    /// <summary>The event's <c>messageId</c>, when it had one (also for most rejected events).</summary>
    public string? MessageId { get; }

    /// <summary>The parsed event, when <see cref="Success"/>.</summary>
    public SegmentEvent? Event { get; }

    /// <summary>The reason code (see <see cref="Ingest.IngestReasons"/>) when the event was rejected.</summary>
    public string? ReasonCode { get; }

    /// <summary>A readable explanation when the event was rejected.</summary>
    public string? Message { get; }

    /// <summary>Whether the event was parsed.</summary>
    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(ReasonCode), nameof(Message))]
    public bool Success => Event is not null;

    /// <summary>A successful result.</summary>
    public static SegmentParseResult Ok(SegmentEvent @event) => new(@event, null, null, null);

    /// <summary>A rejection with a reason code and a message.</summary>
    public static SegmentParseResult Fail(string reasonCode, string message, string? messageId = null) => new(null, reasonCode, message, messageId);

    /// <inheritdoc />
    public override string ToString() => Success ? Event.ToString() : $"{ReasonCode}: {Message}";
}
