namespace Personalization.Internal;

/// <summary>
/// A hash of a string that is the same in every process and on every machine (unlike <see cref="string.GetHashCode()"/>),
/// so a user is routed to the same shard after a restart.
/// </summary>
internal static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units, 32 bits.</summary>
    public static uint Of(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ (uint)(c & 0xFF)) * 16777619u;
            hash = (hash ^ (uint)(c >> 8)) * 16777619u;
        }

        return hash;
    }

    /// <summary>The shard of <paramref name="value"/> among <paramref name="shardCount"/>.</summary>
    public static int Shard(string value, int shardCount) => (int)(Of(value) % (uint)shardCount);
}
