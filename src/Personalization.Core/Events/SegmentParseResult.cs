using System.Diagnostics.CodeAnalysis;

namespace Personalization.Events;

/// <summary>The outcome of parsing one Segment event: the event, or why it was rejected.</summary>
public readonly struct SegmentParseResult
{
    private SegmentParseResult(SegmentEvent? @event, string? reasonCode, string? message)
    {
        Event = @event;
        ReasonCode = reasonCode;
        Message = message;
    }

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
    public static SegmentParseResult Ok(SegmentEvent @event) => new(@event, null, null);

    /// <summary>A rejection with a reason code and a message.</summary>
    public static SegmentParseResult Fail(string reasonCode, string message) => new(null, reasonCode, message);

    /// <inheritdoc />
    public override string ToString() => Success ? Event.ToString() : $"{ReasonCode}: {Message}";
}
