using System.Globalization;
using System.Text;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Collect;

/// <summary>
/// Reads the REES46 e-commerce CSV format (header <c>event_time,event_type,product_id,category_id,category_code,brand,
/// price,user_id,user_session</c>) as Segment e-commerce events, one <see cref="ReplayRecord"/> per data row, lazily
/// and in file order. A bad row gives a failed result that names its line; reading never throws on bad rows.
/// </summary>
/// <remarks>
/// Mapping: <c>view</c> is <see cref="EcommerceEvents.ProductViewed"/>, <c>cart</c> is
/// <see cref="EcommerceEvents.ProductAdded"/>, <c>remove_from_cart</c> is <see cref="EcommerceEvents.ProductRemoved"/>,
/// <c>purchase</c> is <see cref="EcommerceEvents.OrderCompleted"/> of that one product (the price is the revenue).
/// The properties are <c>product_id</c>, <c>category_id</c>, <c>category</c> (the category code, when present),
/// <c>brand</c> (when present), <c>price</c> and <c>quantity</c> 1; <c>user_session</c> becomes
/// <c>context.session_id</c>. A row carries no event id, so the messageId is a hash of the row's text: identical rows
/// are duplicates.
/// </remarks>
public static partial class EcommerceCsvReader
{
    /// <summary>The header row of the format.</summary>
    public const string Header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session";

    /// <summary>The number of fields of a row.</summary>
    public const int FieldCount = 9;

    /// <summary>
    /// Reads the rows of <paramref name="reader"/> lazily. The header row, when present, is skipped; a first line that
    /// looks like a different header gives a failed result. The last row may end without a line terminator.
    /// </summary>
    public static IEnumerable<ReplayRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadLines(reader, owned: null);
    }

    /// <summary>
    /// Reads the rows of UTF-8 <paramref name="stream"/> lazily (see <see cref="Read(TextReader)"/>). The stream is
    /// left open.
    /// </summary>
    public static IEnumerable<ReplayRecord> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = TextLines.OpenUtf8(stream);
        return ReadLines(reader, owned: reader);
    }

    /// <summary>Parses one data row (without its line terminator); <paramref name="lineNumber"/> is named in errors.</summary>
    public static SegmentParseResult ParseRow(string row, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Contains('"'))
        {
            return ParseQuotedRow(row, lineNumber);
        }

        Span<Range> fields = stackalloc Range[FieldCount + 1];
        var count = row.AsSpan().Split(fields, ',');
        return Map(row, row, fields[..count], lineNumber);
    }

    private static IEnumerable<ReplayRecord> ReadLines(TextReader reader, IDisposable? owned)
    {
        foreach (var (lineNumber, line) in TextLines.Read(reader, owned))
        {
            if (lineNumber == 1)
            {
                if (line == Header)
                {
                    continue;
                }

                if (line.StartsWith("event_time", StringComparison.Ordinal))
                {
                    yield return new ReplayRecord(lineNumber, SegmentParseResult.Fail(IngestReasons.Malformed,
                        $"Line 1: the header is '{line}'; expected '{Header}'."), line);
                    continue;
                }
            }

            if (line.Length == 0)
            {
                continue;
            }

            yield return new ReplayRecord(lineNumber, ParseRow(line, lineNumber), line);
        }
    }

    // Rare: a field in double quotes (it may hold commas). The unquoted fields are copied into one string.
    private static SegmentParseResult ParseQuotedRow(string row, long lineNumber)
    {
        var text = new StringBuilder(row.Length);
        Span<Range> fields = stackalloc Range[FieldCount + 1];
        var count = 0;
        var i = 0;
        while (true)
        {
            var start = text.Length;
            if (i < row.Length && row[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= row.Length)
                    {
                        return SegmentParseResult.Fail(IngestReasons.Malformed, Line(lineNumber, "a quoted field has no closing quote; the row is cut off."));
                    }

                    if (row[i] == '"')
                    {
                        if (i + 1 < row.Length && row[i + 1] == '"')
                        {
                            text.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    text.Append(row[i++]);
                }
            }
            else
            {
                while (i < row.Length && row[i] != ',')
                {
                    text.Append(row[i++]);
                }
            }

            if (count < fields.Length)
            {
                fields[count] = new Range(start, text.Length);
            }

            count++;
            if (i >= row.Length)
            {
                break;
            }

            if (row[i] != ',')
            {
                return SegmentParseResult.Fail(IngestReasons.Malformed, Line(lineNumber, "a quoted field is followed by text other than a comma."));
            }

            i++;
        }

        var unquoted = text.ToString();
        return Map(unquoted, row, fields[..Math.Min(count, fields.Length)], lineNumber);
    }

    private static string Line(long lineNumber, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"Line {lineNumber}: {problem}");
}
