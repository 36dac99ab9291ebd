using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Personalization.DeadLetters;

/// <summary>The store's line format: one JSON object per line, snake_case fields.</summary>
internal static class DeadLetterJson
{
    // Readable files: non-ASCII text stays as it is (the files are never embedded in HTML).
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the entry for <paramref name="draft"/>: the raw payload cut to <paramref name="maxRawBytes"/>,
    /// kept as text when it is valid UTF-8 and as base64 otherwise.</summary>
    public static DeadLetter Create(DeadLetterDraft draft, long id, DateTimeOffset at, int maxRawBytes)
    {
        var raw = draft.Raw.Span;
        var truncated = raw.Length > maxRawBytes;
        if (truncated)
        {
            raw = raw[..maxRawBytes];
            // Cut before a multi-byte UTF-8 sequence that does not fit whole.
            var end = raw.Length;
            var lead = end;
            while (lead > 0 && end - lead < 3 && (raw[lead - 1] & 0xC0) == 0x80)
            {
                lead--;
            }

            if (lead > 0)
            {
                var first = raw[lead - 1];
                var length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
                if (length > 1 && lead - 1 + length > end)
                {
                    end = lead - 1;
                }
            }

            var cut = raw[..end];
            raw = Utf8.IsValid(cut) ? cut : raw;
        }

        string? text = null;
        var encoding = DeadLetterRawEncoding.Text;
        if (!draft.Raw.IsEmpty)
        {
            if (Utf8.IsValid(raw))
            {
                text = Encoding.UTF8.GetString(raw);
            }
            else
            {
                text = Convert.ToBase64String(raw);
                encoding = DeadLetterRawEncoding.Base64;
            }
        }

        return new DeadLetter
        {
            Id = id,
            Kind = draft.Kind,
            Reason = draft.Reason,
            Message = draft.Message,
            At = at,
            MessageId = draft.MessageId,
            UserId = draft.UserId,
            Raw = text,
            RawEncoding = encoding,
            RawTruncated = truncated,
            SendKey = draft.SendKey,
            Trigger = draft.Trigger,
            To = draft.To,
            Attempts = draft.Attempts,
            Error = draft.Error,
        };
    }

    /// <summary>Writes <paramref name="entry"/> as one line (with its <c>\n</c>) to <paramref name="buffer"/>.</summary>
    public static void WriteLine(IBufferWriter<byte> buffer, DeadLetter entry)
    {
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", entry.Id);
            writer.WriteString("kind", KindName(entry.Kind));
            writer.WriteString("reason", entry.Reason);
            writer.WriteString("message", entry.Message);
            writer.WriteString("at", entry.At);
            Optional(writer, "message_id", entry.MessageId);
            Optional(writer, "user_id", entry.UserId);
            writer.WriteString("raw", entry.Raw);
            if (entry.RawEncoding == DeadLetterRawEncoding.Base64)
            {
                writer.WriteString("raw_encoding", "base64");
            }

            if (entry.RawTruncated)
            {
                writer.WriteBoolean("raw_truncated", true);
            }

            Optional(writer, "send_key", entry.SendKey);
            Optional(writer, "trigger", entry.Trigger);
            Optional(writer, "to", entry.To);
            if (entry.Kind == DeadLetterKind.FailedSend)
            {
                writer.WriteNumber("attempts", entry.Attempts);
            }

            Optional(writer, "error", entry.Error);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    /// <summary>Reads one line; <see langword="null"/> when it is not a dead letter (a damaged line).</summary>
    public static DeadLetter? TryParse(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            long? id = null;
            DeadLetterKind? kind = null;
            DateTimeOffset? at = null;
            string? reason = null, message = null, messageId = null, userId = null, raw = null, sendKey = null, trigger = null, to = null, error = null;
            var encoding = DeadLetterRawEncoding.Text;
            var truncated = false;
            var attempts = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "id": id = reader.GetInt64(); break;
                    case "kind": kind = ParseKind(reader.GetString()); break;
                    case "reason": reason = reader.GetString(); break;
                    case "message": message = reader.GetString(); break;
                    case "at": at = reader.GetDateTimeOffset(); break;
                    case "message_id": messageId = reader.GetString(); break;
                    case "user_id": userId = reader.GetString(); break;
                    case "raw": raw = reader.GetString(); break;
                    case "raw_encoding": encoding = reader.ValueTextEquals("base64"u8) ? DeadLetterRawEncoding.Base64 : DeadLetterRawEncoding.Text; break;
                    case "raw_truncated": truncated = reader.GetBoolean(); break;
                    case "send_key": sendKey = reader.GetString(); break;
                    case "trigger": trigger = reader.GetString(); break;
                    case "to": to = reader.GetString(); break;
                    case "attempts": attempts = reader.GetInt32(); break;
                    case "error": error = reader.GetString(); break;
                    default: reader.Skip(); break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || id is null || kind is null || at is null || reason is null || message is null)
            {
                return null;
            }

            return new DeadLetter
            {
                Id = id.Value, Kind = kind.Value, Reason = reason, Message = message, At = at.Value, MessageId = messageId,
                UserId = userId, Raw = raw, RawEncoding = encoding, RawTruncated = truncated, SendKey = sendKey,
                Trigger = trigger, To = to, Attempts = attempts, Error = error,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The snake_case name of <paramref name="kind"/>, as written in the files.</summary>
    public static string KindName(DeadLetterKind kind) => kind switch
    {
        DeadLetterKind.RejectedEvent => "rejected_event",
        DeadLetterKind.FlaggedEvent => "flagged_event",
        DeadLetterKind.FailedEvent => "failed_event",
        _ => "failed_send",
    };

    private static DeadLetterKind? ParseKind(string? name) => name switch
    {
        "rejected_event" => DeadLetterKind.RejectedEvent,
        "flagged_event" => DeadLetterKind.FlaggedEvent,
        "failed_event" => DeadLetterKind.FailedEvent,
        "failed_send" => DeadLetterKind.FailedSend,
        _ => null,
    };

    private static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
