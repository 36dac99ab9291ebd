using System.Buffers;
using Personalization.Storage;

namespace Personalization.Profiles;

/// <summary>Reads a stored profile through a session: the profile key, the read, the deserialization.</summary>
internal static class ProfileRecords
{
    /// <summary>The profile of <paramref name="profileId"/>, or <see langword="null"/>; its bytes are left in
    /// <paramref name="buffer"/> (cleared first).</summary>
    public static CustomerProfile? Read(IKeyValueSession session, string profileId, ArrayBufferWriter<byte> buffer)
    {
        Span<byte> key = stackalloc byte[StoreKeys.BufferSize];
        var length = StoreKeys.Write(StoreKeys.Profile, profileId, key);
        buffer.ResetWrittenCount();
        return session.TryRead(key[..length], buffer) ? ProfileSerializer.Deserialize(buffer.WrittenMemory) : null;
    }
}
