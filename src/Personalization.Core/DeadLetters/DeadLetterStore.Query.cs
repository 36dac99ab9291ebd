namespace Personalization.DeadLetters;

// Reading: list and export.
internal sealed partial class DeadLetterStore
{
    /// <inheritdoc />
    public IReadOnlyList<DeadLetter> List(DeadLetterQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        var found = new List<DeadLetter>(Math.Min(query.Limit, 1024));
        lock (_gate)
        {
            DrainLocked();
            for (var i = 0; i < _segments.Count && found.Count < query.Limit; i++)
            {
                if (query.AfterId is { } after && i + 1 < _segments.Count && _segments[i + 1].FirstId <= after + 1)
                {
                    continue; // every id of this segment is at most `after`
                }

                foreach (var (line, _) in DeadLetterSegment.ReadLines(_segments[i].Path))
                {
                    if (DeadLetterJson.TryParse(line.Span) is { } entry && query.Matches(entry))
                    {
                        found.Add(entry);
                        if (found.Count == query.Limit)
                        {
                            break;
                        }
                    }
                }
            }
        }

        return found;
    }

    /// <inheritdoc />
    public long ExportTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var written = 0L;
        lock (_gate)
        {
            DrainLocked();
            foreach (var segment in _segments)
            {
                foreach (var (line, _) in DeadLetterSegment.ReadLines(segment.Path))
                {
                    // The stored line as it is; a damaged one is left out.
                    if (DeadLetterJson.TryParse(line.Span) is not null)
                    {
                        destination.Write(line.Span);
                        destination.WriteByte((byte)'\n');
                        written++;
                    }
                }
            }
        }

        destination.Flush();
        return written;
    }
}
