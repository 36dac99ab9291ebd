using System.Diagnostics.CodeAnalysis;

namespace Personalization.Events;

/// <summary>The outcome of parsing or checking one Segment event: the event, or why it was rejected.</summary>
public readonly struct SegmentParseResult
{
    private SegmentParseResult(SegmentEvent? @event, string? reasonCode, string? message, string? messageId,
        ReadOnlyMemory<byte> raw, string? flagReason, string? flagMessage)
    {
        Event = @event;
        ReasonCode = reasonCode;
        Message = message;
        MessageId = messageId ?? @event?.MessageId;
        Raw = raw;
        FlagReason = flagReason;
        FlagMessage = flagMessage;
    }

    /// <summary>The event's <c>messageId</c>, when it had one (also for most rejected events).</summary>
    public string? MessageId { get; }

    /// <summary>The parsed event, when <see cref="Success"/>. After upcasting it is the upcast event.</summary>
    public SegmentEvent? Event { get; }

    /// <summary>The reason code (see <see cref="Ingest.IngestReasons"/>) when the event was rejected.</summary>
    public string? ReasonCode { get; }

    /// <summary>A readable explanation when the event was rejected.</summary>
    public string? Message { get; }

    /// <summary>The event's JSON as it came (UTF-8), for a dead letter, when the event was rejected: the whole payload
    /// of a single event, the item's own JSON for an item of a batch, the whole payload when it is not JSON at all,
    /// and the event written as JSON when it was handed over as an object. Not capped. Empty for accepted events.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>For an accepted event that a check flagged (a tracking-plan violation set to
    /// <see cref="Ingest.SchemaViolationAction.Flag"/>), the reason code (<see cref="Ingest.IngestReasons.SchemaViolation"/>);
    /// otherwise <see langword="null"/>.</summary>
    public string? FlagReason { get; }

    /// <summary>For a flagged event, what the check found, readable; otherwise <see langword="null"/>.</summary>
    public string? FlagMessage { get; }

    /// <summary>Whether the event was parsed and passed the checks (it may still be flagged).</summary>
    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(ReasonCode), nameof(Message))]
    public bool Success => Event is not null;

    /// <summary>Whether the event was accepted with a flag (see <see cref="FlagReason"/>).</summary>
    [MemberNotNullWhen(true, nameof(FlagReason), nameof(FlagMessage))]
    public bool IsFlagged => FlagReason is not null;

    /// <summary>A successful result.</summary>
    public static SegmentParseResult Ok(SegmentEvent @event) => new(@event, null, null, null, default, null, null);

    /// <summary>A rejection with a reason code and a message.</summary>
    public static SegmentParseResult Fail(string reasonCode, string message, string? messageId = null) =>
        new(null, reasonCode, message, messageId, default, null, null);

    /// <summary>A successful result that carries a flag.</summary>
    internal static SegmentParseResult Flagged(SegmentEvent @event, string flagReason, string flagMessage) =>
        new(@event, null, null, null, default, flagReason, flagMessage);

    /// <summary>This result with <see cref="Raw"/> set, when it is a rejection; an accepted result is returned as it is.</summary>
    internal SegmentParseResult WithRaw(ReadOnlyMemory<byte> raw) =>
        Success ? this : new(null, ReasonCode, Message, MessageId, raw, null, null);

    /// <inheritdoc />
    public override string ToString() => Success
        ? (IsFlagged ? $"{Event} (flagged {FlagReason}: {FlagMessage})" : Event.ToString())
        : $"{ReasonCode}: {Message}";
}
