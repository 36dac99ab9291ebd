using System.Text.Json;

namespace Personalization.Delivery;

/// <summary>
/// Failed sends, one JSON object per line in <c>&lt;data&gt;/deadletters/sends.jsonl</c>: the send key, trigger,
/// user, address, attempts, reason and last error, so an operator can see what failed and why and resend it.
/// Bounded by <see cref="DeliveryOptions.DeadLetterMaxBytes"/>.
/// </summary>
internal sealed class SendDeadLetters : IDisposable
{
    public const string FileName = "sends.jsonl";

    private readonly object _gate = new();
    private readonly string _path;
    private readonly long _maxBytes;
    private FileStream? _stream;

    public SendDeadLetters(string directory, long maxBytes)
    {
        _path = Path.Combine(directory, FileName);
        _maxBytes = maxBytes;
    }

    /// <summary>Appends one failed send and flushes it to disk; <see langword="false"/> when the file is full.</summary>
    public bool Write(SendRecord ending, string trigger, string userId, string? to)
    {
        var line = Serialize(ending, trigger, userId, to);
        lock (_gate)
        {
            if (_stream is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            }

            if (_stream.Length + line.Length > _maxBytes)
            {
                return false;
            }

            _stream.Write(line);
            _stream.Flush(flushToDisk: true);
            return true;
        }
    }

    /// <summary>Removes every failed send of <paramref name="userId"/> (an erasure), rewriting the file atomically.</summary>
    public void RemoveUser(string userId)
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
            if (!File.Exists(_path))
            {
                return;
            }

            var kept = new List<string>();
            var removed = 0;
            foreach (var line in File.ReadLines(_path))
            {
                if (IsOf(line, userId))
                {
                    removed++;
                }
                else
                {
                    kept.Add(line);
                }
            }

            if (removed == 0)
            {
                return;
            }

            var temporary = _path + ".tmp";
            File.WriteAllLines(temporary, kept);
            File.Move(temporary, _path, overwrite: true);
        }
    }

    private static bool IsOf(string line, string userId)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("user_id", out var user) && user.ValueEquals(userId);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] Serialize(SendRecord ending, string trigger, string userId, string? to)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("send_key", ending.SendKey);
            writer.WriteString("trigger", trigger);
            writer.WriteString("user_id", userId);
            if (to is not null)
            {
                writer.WriteString("to", to);
            }

            writer.WriteString("status", ending.Status.ToString().ToLowerInvariant());
            writer.WriteString("reason", ending.Reason);
            writer.WriteNumber("attempts", ending.Attempts);
            writer.WriteString("error", ending.Error);
            writer.WriteString("failed_at", ending.At);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
