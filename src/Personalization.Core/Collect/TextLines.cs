using System.Text;

namespace Personalization.Collect;

/// <summary>The line reading both replay readers share: UTF-8, a byte-order mark dropped, 1-based line numbers.</summary>
internal static class TextLines
{
    /// <summary>A reader over UTF-8 <paramref name="stream"/> that leaves the stream open.</summary>
    public static StreamReader OpenUtf8(Stream stream) =>
        new(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);

    /// <summary>The lines of <paramref name="reader"/>, lazily, with their numbers; <paramref name="owned"/> is
    /// disposed when the enumeration ends.</summary>
    public static IEnumerable<(long Number, string Text)> Read(TextReader reader, IDisposable? owned)
    {
        try
        {
            long number = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                number++;
                yield return (number, number == 1 ? line.TrimStart('\uFEFF') : line);
            }
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
