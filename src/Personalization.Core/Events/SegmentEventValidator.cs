using Personalization.Ingest;

namespace Personalization.Events;

/// <summary>The checks of an event's required fields, whether it came as JSON or as an object; the checks of its
/// content and the limits are <see cref="EventValidator"/>'s.</summary>
internal static class SegmentEventValidator
{
    /// <summary>Returns <see langword="null"/> when <paramref name="event"/> is valid, else the rejection.</summary>
    public static SegmentParseResult? Validate(SegmentEvent @event)
    {
        if (string.IsNullOrEmpty(@event.MessageId))
        {
            return SegmentParseResult.Fail(IngestReasons.MissingField, "The event has no messageId.");
        }

        if (@event.UserId is null && @event.AnonymousId is null)
        {
            return SegmentParseResult.Fail(IngestReasons.MissingField, $"Event '{@event.MessageId}' has neither userId nor anonymousId.", NullIfEmpty(@event.MessageId));
        }

        // An empty id is absent when the other one is there (analytics.js sends "userId": "" for visitors), and junk alone.
        if (string.IsNullOrEmpty(@event.ProfileId))
        {
            return SegmentParseResult.Fail(IngestReasons.JunkIdentity,
                $"Event '{@event.MessageId}' has an empty userId or anonymousId and no other id; send the user's id or the visitor's anonymousId.", NullIfEmpty(@event.MessageId));
        }

        if (TooLong(@event.MessageId) || TooLong(@event.UserId) || TooLong(@event.AnonymousId) || TooLong(@event.PreviousId))
        {
            return SegmentParseResult.Fail(IngestReasons.TooLarge, $"Event '{Truncate(@event.MessageId)}' has an id longer than {Storage.StoreKeys.MaxIdBytes} characters.", NullIfEmpty(@event.MessageId));
        }

        if (@event.Timestamp == default)
        {
            return SegmentParseResult.Fail(IngestReasons.MissingField, $"Event '{@event.MessageId}' has no timestamp.", NullIfEmpty(@event.MessageId));
        }

        if (@event.Type == SegmentEventType.Track && string.IsNullOrEmpty(@event.Event))
        {
            return SegmentParseResult.Fail(IngestReasons.MissingField, $"Track event '{@event.MessageId}' has no event name (event).", NullIfEmpty(@event.MessageId));
        }

        if (!Enum.IsDefined(@event.Type))
        {
            return SegmentParseResult.Fail(IngestReasons.InvalidType, $"Event '{@event.MessageId}' has an unknown type {(int)@event.Type}.", NullIfEmpty(@event.MessageId));
        }

        return null;
    }

    private static bool TooLong(string? id) => id is not null && id.Length > Storage.StoreKeys.MaxIdBytes;

    private static string? NullIfEmpty(string id) => id.Length == 0 ? null : id;

    private static string Truncate(string id) => id.Length <= 64 ? id : string.Concat(id.AsSpan(0, 64), "...");
}
