using System.Buffers;
using System.Text;
using Personalization.Storage;

namespace Personalization.Pipeline;

/// <summary>
/// The identities merged into others, in the store (key kind <see cref="StoreKeys.Alias"/>: the merged id, value: the
/// id it was merged into). The routing stage resolves every event's profile id through it, so the events of an
/// anonymous visitor who identified go to the known user's profile and shard. Single-threaded: owned by the stage that
/// routes events to the shards.
/// </summary>
internal sealed class IdentityAliases
{
    // A chain forms when a merge target is itself merged later (u1 into u2); it is followed this far at most.
    private const int MaxHops = 16;

    private readonly IKeyValueSession _session;
    private readonly byte[] _key = new byte[StoreKeys.BufferSize];
    private readonly ArrayBufferWriter<byte> _value = new(64);

    public IdentityAliases(IKeyValueSession session) => _session = session;

    /// <summary>The profile id <paramref name="id"/> resolves to: itself unless it was merged into another.</summary>
    public string Resolve(string id)
    {
        var current = id;
        for (var hop = 0; hop < MaxHops && TryRead(_session, current, _key, _value, out var next); hop++)
        {
            current = next;
        }

        return current;
    }

    /// <summary>Records that <paramref name="fromId"/> was merged into <paramref name="toId"/>.</summary>
    public void Link(string fromId, string toId)
    {
        var length = StoreKeys.Write(StoreKeys.Alias, fromId, _key);
        _session.Upsert(_key.AsSpan(0, length), Encoding.UTF8.GetBytes(toId));
    }

    /// <summary>Reads the id <paramref name="id"/> was merged into, through any session (the profile readers use it).</summary>
    public static bool TryRead(IKeyValueSession session, string id, byte[] keyBuffer, ArrayBufferWriter<byte> value, out string target)
    {
        var length = StoreKeys.Write(StoreKeys.Alias, id, keyBuffer);
        value.ResetWrittenCount();
        if (session.TryRead(keyBuffer.AsSpan(0, length), value) && value.WrittenCount > 0)
        {
            target = Encoding.UTF8.GetString(value.WrittenSpan);
            return true;
        }

        target = id;
        return false;
    }

    /// <summary>Forgets the merges of <paramref name="ids"/> (an erasure), through the erasing shard's session.</summary>
    public static void Forget(IKeyValueSession session, IEnumerable<string> ids, byte[] keyBuffer)
    {
        foreach (var id in ids)
        {
            var length = StoreKeys.Write(StoreKeys.Alias, id, keyBuffer);
            session.Delete(keyBuffer.AsSpan(0, length));
        }
    }
}
