using System.Buffers;
using System.Globalization;
using System.Text;
using Personalization.Events;

namespace Personalization.Collect;

/// <summary>
/// Reads Segment JSON Lines (<c>.jsonl</c>): one Segment event as JSON per line, blank lines skipped. Gives one
/// <see cref="ReplayRecord"/> per non-blank line, lazily and in file order; a bad line gives a failed result that
/// names its line, and reading goes on.
/// </summary>
public static class SegmentJsonLinesReader
{
    /// <summary>Reads the lines of <paramref name="reader"/> lazily. The last line may end without a line terminator.</summary>
    public static IEnumerable<ReplayRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadLines(reader, owned: null);
    }

    /// <summary>Reads the lines of UTF-8 <paramref name="stream"/> lazily (see <see cref="Read(TextReader)"/>). The
    /// stream is left open.</summary>
    public static IEnumerable<ReplayRecord> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = TextLines.OpenUtf8(stream);
        return ReadLines(reader, owned: reader);
    }

    /// <summary>Parses one line; <paramref name="lineNumber"/> is named in the message of a failed result.</summary>
    public static SegmentParseResult ParseLine(string line, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        var maxBytes = Encoding.UTF8.GetMaxByteCount(line.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var length = Encoding.UTF8.GetBytes(line, buffer);
            var result = SegmentJson.Parse(buffer.AsSpan(0, length));
            return result.Success
                ? result
                : SegmentParseResult.Fail(result.ReasonCode, string.Create(CultureInfo.InvariantCulture, $"Line {lineNumber}: {result.Message}"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IEnumerable<ReplayRecord> ReadLines(TextReader reader, IDisposable? owned)
    {
        foreach (var (lineNumber, line) in TextLines.Read(reader, owned))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return new ReplayRecord(lineNumber, ParseLine(line, lineNumber), line);
            }
        }
    }
}
