using System.Text;
using System.Text.Json;

namespace Personalization.DeadLetters;

// Removing: purge, remove by id, erase a user, trim by age. Affected segments are rewritten atomically.
internal sealed partial class DeadLetterStore
{
    private static readonly string[] s_userFields = ["userId", "anonymousId", "previousId"];

    /// <inheritdoc />
    public int Purge(DeadLetterQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RemoveWhere(static (_, _) => true, (_, entry) => query.Matches(entry));
    }

    /// <inheritdoc />
    public int Remove(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var set = new HashSet<long>(ids);
        if (set.Count == 0)
        {
            return 0;
        }

        var (lowest, highest) = (set.Min(), set.Max());
        return RemoveWhere((first, next) => lowest < next && highest >= first, (_, entry) => set.Contains(entry.Id));
    }

    /// <inheritdoc />
    public int RemoveUser(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return RemoveUsers([userId]);
    }

    /// <summary>Removes every entry about any of <paramref name="userIds"/> (a user and the ids merged into them), in one
    /// pass over the files; see <see cref="RemoveUser"/>.</summary>
    /// <returns>How many entries were removed.</returns>
    public int RemoveUsers(IReadOnlyCollection<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var ids = userIds.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return 0;
        }

        // Most lines do not name a user at all: only lines that hold an id's bytes are parsed (a JSON-escaped id cannot
        // be found that way, so such ids parse every line).
        var needles = ids.Select(static id => id.AsSpan().IndexOfAny("\"\\") < 0 && !id.Any(char.IsControl) ? Encoding.UTF8.GetBytes(id) : null)
            .ToArray();
        return RemoveWhere(static (_, _) => true, (line, entry) =>
        {
            for (var i = 0; i < ids.Length; i++)
            {
                if ((needles[i] is not { } needle || line.Span.IndexOf(needle) >= 0)
                    && (string.Equals(entry.UserId, ids[i], StringComparison.Ordinal) || RawNames(entry, ids[i])))
                {
                    return true;
                }
            }

            return false;
        });
    }

    /// <summary>Drops the segments past <see cref="DeadLetterOptions.MaxAge"/> (the pipeline calls it at each
    /// checkpoint; appends do it too).</summary>
    /// <returns>How many entries were dropped.</returns>
    public long Trim()
    {
        lock (_gate)
        {
            ThrowIfClosedLocked();
            DrainLocked();
            var before = _droppedByAge;
            try
            {
                DropExpiredLocked(_timeProvider.GetUtcNow());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                DeadLetterLog.WriteFailed(_logger, 0, _directory, "an expired segment could not be deleted: " + ex.Message);
            }

            if (_droppedByAge != before)
            {
                WriteStateLocked();
            }

            return _droppedByAge - before;
        }
    }

    // Whether the raw payload is a JSON object about the user.
    private static bool RawNames(DeadLetter entry, string userId)
    {
        if (entry.Raw is null || entry.RawEncoding != DeadLetterRawEncoding.Text || !entry.Raw.Contains(userId, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(entry.Raw);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var field in s_userFields)
            {
                if (document.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.ValueEquals(userId))
                {
                    return true;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // mayHold(first, next): whether a segment whose ids are at least first and below next may hold entries to remove.
    private int RemoveWhere(Func<long, long, bool> mayHold, Func<ReadOnlyMemory<byte>, DeadLetter, bool> remove)
    {
        lock (_gate)
        {
            ThrowIfClosedLocked();
            DrainLocked();
            var removed = 0;
            var segments = _segments.ToArray();
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                if (mayHold(segment.FirstId, i + 1 < segments.Length ? segments[i + 1].FirstId : long.MaxValue))
                {
                    removed += Rewrite(segment, remove);
                }
            }

            if (removed > 0)
            {
                WriteStateLocked();
            }

            return removed;
        }
    }

    // Rewrites the segment without the entries to remove: a temporary file, fsynced, renamed over it.
    private int Rewrite(DeadLetterSegment segment, Func<ReadOnlyMemory<byte>, DeadLetter, bool> remove)
    {
        var offsets = new HashSet<long>();
        foreach (var (line, offset) in DeadLetterSegment.ReadLines(segment.Path))
        {
            if (DeadLetterJson.TryParse(line.Span) is { } entry && remove(line, entry))
            {
                offsets.Add(offset);
            }
        }

        if (offsets.Count == 0)
        {
            return 0;
        }

        if (segment == _activeSegment)
        {
            CloseActiveLocked();
        }

        var kept = new DeadLetterSegment(segment.Path, segment.FirstId);
        var temporary = segment.Path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var (line, offset) in DeadLetterSegment.ReadLines(segment.Path))
            {
                if (!offsets.Contains(offset))
                {
                    file.Write(line.Span);
                    file.WriteByte((byte)'\n');
                    kept.Added(line.Length + 1, DeadLetterJson.TryParse(line.Span)?.At ?? segment.NewestAt);
                }
            }

            file.Flush(flushToDisk: true);
        }

        var index = _segments.IndexOf(segment);
        if (kept.Count == 0)
        {
            File.Delete(temporary);
            File.Delete(segment.Path);
            _segments.RemoveAt(index);
        }
        else
        {
            File.Move(temporary, segment.Path, overwrite: true);
            _segments[index] = kept;
        }

        _count -= segment.Count - kept.Count;
        _bytes -= segment.Bytes - kept.Bytes;
        return offsets.Count;
    }
}
