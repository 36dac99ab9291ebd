using System.Globalization;

namespace Personalization.DeadLetters;

/// <summary>One segment file of the store, <c>&lt;first id, 19 digits&gt;.jsonl</c>: what it holds, kept in memory.</summary>
internal sealed class DeadLetterSegment(string path, long firstId)
{
    public const string Extension = ".jsonl";

    public string Path { get; } = path;

    /// <summary>The id of its first entry (from its name): the segments' names sort in id order.</summary>
    public long FirstId { get; } = firstId;

    /// <summary>Its complete lines.</summary>
    public long Count { get; set; }

    /// <summary>Its size up to the end of its last complete line.</summary>
    public long Bytes { get; set; }

    public DateTimeOffset OldestAt { get; set; } = DateTimeOffset.MaxValue;

    public DateTimeOffset NewestAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>The highest id found by a full scan at open (only set when its last line is damaged).</summary>
    public long LastId { get; set; }

    public static string FileName(long firstId) => firstId.ToString("D19", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFirstId(string path, out long firstId) =>
        long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out firstId);

    public void Added(long bytes, DateTimeOffset at)
    {
        Count++;
        Bytes += bytes;
        OldestAt = at < OldestAt ? at : OldestAt;
        NewestAt = at > NewestAt ? at : NewestAt;
    }

    /// <summary>The complete lines of the file at <paramref name="path"/> (without their <c>\n</c>) and where each
    /// starts. A line's memory is valid until the next one is read. Bytes after the last <c>\n</c> (a torn write) are
    /// not a line.</summary>
    public static IEnumerable<(ReadOnlyMemory<byte> Line, long Offset)> ReadLines(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            yield break;
        }

        using (stream)
        {
            var buffer = new byte[64 * 1024];
            int start = 0, end = 0;
            long bufferOffset = 0;
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    yield return (buffer.AsMemory(start, newline), bufferOffset + start);
                    start += newline + 1;
                    continue;
                }

                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    bufferOffset += start;
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = stream.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    yield break;
                }

                end += read;
            }
        }
    }
}
