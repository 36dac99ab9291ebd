using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Personalization.Storage;

namespace Personalization.Triggers.Engine;

/// <summary>Store keys of the trigger engine (next to profiles and dedupe ids in the one store).</summary>
internal static class TriggerKeys
{
    /// <summary>A pending instance: kind, trigger name, user, instance key (unit separators between them).</summary>
    public const byte Instance = (byte)'i';

    /// <summary>A timer bucket chunk: kind, shard (2 bytes), due second (8 bytes), chunk (2 bytes), big-endian.</summary>
    public const byte Bucket = (byte)'b';

    /// <summary>A user's trigger history: kind, profile id.</summary>
    public const byte User = (byte)'u';

    private const char Separator = '\u001f';

    // Instances are the user's own even when keyed by something else (a cart id, a product id): two users with the
    // same key have two instances, each on its user's shard.
    public static string InstanceId(string trigger, string userId, string instanceKey) => instanceKey == userId
        ? string.Join(Separator, trigger, userId)
        : string.Join(Separator, trigger, userId, instanceKey);

    /// <summary>The send key: trigger, instance key (prefixed by the user when the instance is keyed otherwise) and occurrence.</summary>
    public static string SendKey(string trigger, string userId, string instanceKey, long occurrence) => instanceKey == userId
        ? string.Create(CultureInfo.InvariantCulture, stackalloc char[128], $"{trigger}:{userId}:{occurrence}")
        : string.Create(CultureInfo.InvariantCulture, stackalloc char[128], $"{trigger}:{userId}/{instanceKey}:{occurrence}");

    public static byte[] ForInstance(string instanceId) => StoreKeys.Create(Instance, instanceId);

    /// <summary>The most bytes the key of an instance can take (see <see cref="WriteInstance(Span{byte}, string, string, string)"/>).</summary>
    public static int MaxInstanceLength(string trigger, string userId, string instanceKey) =>
        3 + Encoding.UTF8.GetMaxByteCount(trigger.Length + userId.Length + instanceKey.Length);

    /// <summary>Writes the bytes of <c>ForInstance(InstanceId(trigger, userId, instanceKey))</c> into <paramref name="key"/>, without the strings.</summary>
    /// <returns>The key's length.</returns>
    public static int WriteInstance(Span<byte> key, string trigger, string userId, string instanceKey)
    {
        // The separator is one byte in UTF-8, so the parts can be encoded one by one.
        key[0] = Instance;
        var length = 1 + Encoding.UTF8.GetBytes(trigger, key[1..]);
        key[length++] = (byte)Separator;
        length += Encoding.UTF8.GetBytes(userId, key[length..]);
        if (instanceKey != userId)
        {
            key[length++] = (byte)Separator;
            length += Encoding.UTF8.GetBytes(instanceKey, key[length..]);
        }

        return length;
    }

    /// <summary>The length of a bucket key (see <see cref="Bucket"/>).</summary>
    public const int BucketLength = 13;

    /// <summary>Writes the key of <see cref="ForBucket"/> into <paramref name="key"/>.</summary>
    public static void WriteBucket(Span<byte> key, int shard, long dueSecond, int chunk)
    {
        key[0] = Bucket;
        BinaryPrimitives.WriteUInt16BigEndian(key[1..], (ushort)shard);
        BinaryPrimitives.WriteInt64BigEndian(key[3..], dueSecond);
        BinaryPrimitives.WriteUInt16BigEndian(key[11..], (ushort)chunk);
    }

    public static byte[] ForUser(string userId) => StoreKeys.Create(User, userId);

    public static byte[] ForBucket(int shard, long dueSecond, int chunk)
    {
        var key = new byte[BucketLength];
        WriteBucket(key, shard, dueSecond, chunk);
        return key;
    }

    public static (int Shard, long DueSecond, int Chunk) ReadBucket(ReadOnlySpan<byte> key) =>
        (BinaryPrimitives.ReadUInt16BigEndian(key[1..]), BinaryPrimitives.ReadInt64BigEndian(key[3..]),
            key.Length >= 13 ? BinaryPrimitives.ReadUInt16BigEndian(key[11..]) : 0);

    public static long TicksOf(long second) => second * TimeSpan.TicksPerSecond;

    public static long SecondOf(long ticks) => Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest) - (rest < 0 ? 1 : 0);
}
