using System.Text.Json;
using Personalization.Ingest;

namespace Personalization.Events;

public static partial class SegmentJson
{
    // The fields of one event as read, before they are checked and turned into a SegmentEvent.
    private struct EventFields
    {
        public string? MessageId;
        public string? Type;
        public string? UserId;
        public string? AnonymousId;
        public string? Event;
        public string? Name;
        public string? PreviousId;
        public string? TimestampText;
        public DateTimeOffset? Timestamp;
        public Dictionary<string, object?>? Properties;
        public Dictionary<string, object?>? Traits;
        public Dictionary<string, object?>? Context;

        // The limits this event is read under, the keys of properties and traits counted so far, and the first limit
        // the event went over (a sentence's end: "nests deeper than 32 levels (...)").
        public ReadLimits Limits;
        public int KeyCount;
        public string? LimitError;

        public void ReadTimestamp(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                TimestampText = reader.TokenType == JsonTokenType.Null ? null : NotAString;
                SkipChecked(ref reader, ref this);
                return;
            }

            if (!CheckLength(ref reader, ref this))
            {
                return;
            }

            // The JSON reader takes a timestamp without an offset as the host's local time; like the fallback below,
            // the engine takes it as UTC, so an event's time does not depend on the machine's time zone.
            if (!reader.HasValueSequence && !reader.ValueIsEscaped && reader.TryGetDateTimeOffset(out var parsed))
            {
                Timestamp = HasOffset(reader.ValueSpan) ? parsed.ToUniversalTime() : new DateTimeOffset(parsed.DateTime, TimeSpan.Zero);
                return;
            }

            TimestampText = reader.GetString();
            if (TimestampText is not null && TryParseTimestamp(TimestampText, out parsed))
            {
                Timestamp = parsed;
            }
        }

        // An ISO-8601 time the JSON reader accepted has an offset when a 'Z', '+' or '-' follows the 'T'.
        private static bool HasOffset(ReadOnlySpan<byte> text)
        {
            var time = text.IndexOf((byte)'T');
            return time >= 0 && text[time..].IndexOfAny("Zz+-"u8) >= 0;
        }

        public readonly SegmentParseResult ToResult()
        {
            if (string.IsNullOrEmpty(MessageId))
            {
                return SegmentParseResult.Fail(IngestReasons.MissingField, "The event has no messageId.");
            }

            if (string.IsNullOrEmpty(Type))
            {
                return SegmentParseResult.Fail(IngestReasons.MissingField, $"Event '{MessageId}' has no type.", MessageId);
            }

            if (!TryParseType(Type, out var type))
            {
                return SegmentParseResult.Fail(IngestReasons.InvalidType, $"Event '{MessageId}' has type '{Type}'; expected track, identify, page, screen, group or alias.", MessageId);
            }

            if (Timestamp is null)
            {
                return TimestampText is null
                    ? SegmentParseResult.Fail(IngestReasons.MissingField, $"Event '{MessageId}' has no timestamp.", MessageId)
                    : SegmentParseResult.Fail(IngestReasons.InvalidTimestamp, ReferenceEquals(TimestampText, NotAString)
                        ? $"Event '{MessageId}' has a timestamp that is not a string, which is not ISO-8601; send a string such as \"2019-10-01T00:00:00Z\"."
                        : $"Event '{MessageId}' has timestamp '{TimestampText}', which is not ISO-8601; send a string such as \"2019-10-01T00:00:00Z\".", MessageId);
            }

            var @event = new SegmentEvent
            {
                MessageId = MessageId,
                Type = type,
                UserId = UserId,
                AnonymousId = AnonymousId,
                Event = Event,
                Name = Name,
                PreviousId = PreviousId,
                Timestamp = Timestamp.Value,
                Properties = Properties ?? (IReadOnlyDictionary<string, object?>)s_emptyValues,
                Traits = Traits ?? (IReadOnlyDictionary<string, object?>)s_emptyValues,
                Context = Context ?? (IReadOnlyDictionary<string, object?>)s_emptyValues,
            };
            return SegmentEventValidator.Validate(@event) ?? SegmentParseResult.Ok(@event);
        }
    }

    private static readonly Dictionary<string, object?> s_emptyValues = new(0);

    // Stands for a timestamp that is a number, an object or an array (compared by reference).
    private const string NotAString = "(not a string)";

    private static bool TryParseType(string text, out SegmentEventType type)
    {
        switch (text.ToLowerInvariant())
        {
            case "track": type = SegmentEventType.Track; return true;
            case "identify": type = SegmentEventType.Identify; return true;
            case "page": type = SegmentEventType.Page; return true;
            case "screen": type = SegmentEventType.Screen; return true;
            case "group": type = SegmentEventType.Group; return true;
            case "alias": type = SegmentEventType.Alias; return true;
            default: type = default; return false;
        }
    }
}
