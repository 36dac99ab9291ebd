using System.Text;
using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>
/// The strings that repeat in the engine's records (trigger names, event names, outcomes, reasons), found by their
/// UTF-8 bytes: reading a record takes the one instance of such a string instead of allocating a copy per read.
/// Immutable once built, so the shards share it.
/// </summary>
internal sealed class KnownStrings
{
    // Candidates by byte length: a few dozen short strings, so a scan of the few of one length beats hashing.
    private readonly (byte[] Utf8, string Value)[][] _byLength;

    public KnownStrings(IEnumerable<string> values)
    {
        var distinct = values.Where(value => value.Length > 0).Distinct(StringComparer.Ordinal)
            .Select(value => (Utf8: Encoding.UTF8.GetBytes(value), Value: value))
            .ToList();
        var longest = distinct.Count == 0 ? 0 : distinct.Max(entry => entry.Utf8.Length);
        _byLength = new (byte[], string)[longest + 1][];
        for (var length = 0; length <= longest; length++)
        {
            _byLength[length] = [.. distinct.Where(entry => entry.Utf8.Length == length)];
        }
    }

    /// <summary>The known string of <paramref name="utf8"/>, or null.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length >= _byLength.Length)
        {
            return null;
        }

        foreach (var (bytes, value) in _byLength[utf8.Length])
        {
            if (utf8.SequenceEqual(bytes))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads a string: <paramref name="expected"/> when the bytes are its UTF-8, else a known string, else a new one.
    /// </summary>
    public static string Read(ref MessagePackReader reader, KnownStrings? known, string? expected = null)
    {
        if (reader.TryReadNil())
        {
            return string.Empty;
        }

        if (!reader.TryReadStringSpan(out var utf8))
        {
            // A string split across segments (not from the engine's own single-buffer reads).
            return reader.ReadString() ?? string.Empty;
        }

        if (expected is not null && Utf8Equals(utf8, expected))
        {
            return expected;
        }

        return known?.Find(utf8) ?? Encoding.UTF8.GetString(utf8);
    }

    // Ordinal equality of UTF-8 bytes and a string, without encoding either for ASCII (ids and names almost always are).
    private static bool Utf8Equals(ReadOnlySpan<byte> utf8, string value)
    {
        if (utf8.Length == value.Length)
        {
            var ascii = true;
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] >= 0x80 || value[i] >= 0x80)
                {
                    ascii = false;
                    break;
                }

                if (utf8[i] != value[i])
                {
                    return false;
                }
            }

            if (ascii)
            {
                return true;
            }
        }

        if (Encoding.UTF8.GetByteCount(value) != utf8.Length)
        {
            return false;
        }

        // Rare (non-ASCII ids): compare the encoding.
        var encoded = utf8.Length <= 256 ? stackalloc byte[utf8.Length] : new byte[utf8.Length];
        Encoding.UTF8.GetBytes(value, encoded);
        return utf8.SequenceEqual(encoded);
    }
}
