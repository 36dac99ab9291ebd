using System.Text;
using Personalization.DeadLetters;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Pipeline;

/// <summary>The dead letters the pipeline writes about events: rejected at ingest, flagged by a tracking plan, failed to apply.</summary>
internal static class DeadLetterDrafts
{
    public static DeadLetterDraft Rejected(SegmentParseResult result) => new()
    {
        Kind = DeadLetterKind.RejectedEvent,
        Reason = result.ReasonCode!,
        Message = result.Message!,
        MessageId = result.MessageId,
        Raw = result.Raw,
    };

    public static DeadLetterDraft Flagged(SegmentParseResult result) => new()
    {
        Kind = DeadLetterKind.FlaggedEvent,
        Reason = result.FlagReason!,
        Message = result.FlagMessage!,
        MessageId = result.MessageId,
        UserId = result.Event!.ProfileId,
        Raw = Json(result.Event),
    };

    public static DeadLetterDraft Failed(SegmentEvent @event, Exception exception) => new()
    {
        Kind = DeadLetterKind.FailedEvent,
        Reason = IngestReasons.ProcessingError,
        Message = $"The event was accepted but could not be applied to profile '{@event.ProfileId}': {exception.GetType().Name}: {exception.Message}",
        MessageId = @event.MessageId,
        UserId = @event.ProfileId,
        Raw = Json(@event),
    };

    private static byte[] Json(SegmentEvent @event) => Encoding.UTF8.GetBytes(SegmentJson.Serialize(@event));
}
