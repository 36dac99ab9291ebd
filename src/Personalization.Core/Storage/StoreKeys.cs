using System.Text;

namespace Personalization.Storage;

/// <summary>
/// Keys of the one store: a kind byte, then the UTF-8 id. One store for all kinds keeps a checkpoint consistent.
/// </summary>
internal static class StoreKeys
{
    /// <summary>A customer profile, by profile id.</summary>
    public const byte Profile = (byte)'p';

    /// <summary>A dedupe entry, by messageId.</summary>
    public const byte Dedupe = (byte)'d';

    /// <summary>A send ledger entry, by send key.</summary>
    public const byte SendLedger = (byte)'l';

    /// <summary>An identity merged into another, by the merged id (value: the id it was merged into).</summary>
    public const byte Alias = (byte)'a';

    /// <summary>The pipeline's own records, such as the state of the last checkpoint.</summary>
    public const byte Meta = (byte)'m';

    /// <summary>The longest id a key holds; longer ids are rejected at ingest before they reach the store.</summary>
    public const int MaxIdBytes = 1024;

    /// <summary>Writes the key of <paramref name="id"/> of <paramref name="kind"/> into <paramref name="buffer"/>.</summary>
    public static int Write(byte kind, string id, Span<byte> buffer)
    {
        buffer[0] = kind;
        return 1 + Encoding.UTF8.GetBytes(id, buffer[1..]);
    }

    /// <summary>The key of <paramref name="id"/> of <paramref name="kind"/>, as a new array.</summary>
    public static byte[] Create(byte kind, string id)
    {
        var key = new byte[1 + Encoding.UTF8.GetByteCount(id)];
        key[0] = kind;
        Encoding.UTF8.GetBytes(id, key.AsSpan(1));
        return key;
    }

    /// <summary>The size a key buffer must have.</summary>
    public static int BufferSize => 1 + (MaxIdBytes * 3);

    /// <summary>Reads the id back from a key.</summary>
    public static string ReadId(ReadOnlySpan<byte> key) => Encoding.UTF8.GetString(key[1..]);
}
