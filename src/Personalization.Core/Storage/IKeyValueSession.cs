using System.Buffers;

namespace Personalization.Storage;

/// <summary>A single-threaded handle on an <see cref="IKeyValueStore"/>.</summary>
internal interface IKeyValueSession : IDisposable
{
    /// <summary>Reads the value of <paramref name="key"/> into <paramref name="value"/>.</summary>
    /// <returns><see langword="true"/> when the key exists.</returns>
    bool TryRead(ReadOnlySpan<byte> key, IBufferWriter<byte> value);

    /// <summary>Inserts or replaces the value of <paramref name="key"/>.</summary>
    void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Deletes <paramref name="key"/> if it exists.</summary>
    void Delete(ReadOnlySpan<byte> key);

    /// <summary>
    /// Enumerates the latest value of every live key that starts with <paramref name="prefix"/>.
    /// </summary>
    /// <remarks>Records are copied out one at a time; the session must not be used for anything else until the
    /// enumeration ends.</remarks>
    IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte prefix);
}
