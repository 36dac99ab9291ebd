using System.Buffers;
using MessagePack;
using Personalization.Profiles;
using Personalization.Storage;

namespace Personalization.Triggers.Engine;

/// <summary>Typed reads and writes of the engine's records through one shard's session. Single-threaded.</summary>
internal sealed class TriggerStore : IDisposable
{
    // The records carry their own formatters (see TriggerRecordFormatters), which the standard resolver picks up.
    private static readonly MessagePackSerializerOptions s_options = MessagePackSerializerOptions.Standard;

    private readonly IKeyValueSession _session;
    private readonly ArrayBufferWriter<byte> _read = new(512);
    private readonly ArrayBufferWriter<byte> _write = new(512);

    public TriggerStore(IKeyValueSession session) => _session = session;

    public IKeyValueSession Session => _session;

    public T? Read<T>(byte[] key)
        where T : class
    {
        _read.ResetWrittenCount();
        return _session.TryRead(key, _read) ? MessagePackSerializer.Deserialize<T>(_read.WrittenMemory, s_options) : null;
    }

    public void Write<T>(byte[] key, T value)
    {
        _write.ResetWrittenCount();
        MessagePackSerializer.Serialize(_write, value, s_options);
        _session.Upsert(key, _write.WrittenSpan);
    }

    public void Delete(byte[] key) => _session.Delete(key);

    public CustomerProfile? ReadProfile(string userId) => ProfileRecords.Read(_session, userId, _read);

    /// <summary>The profile of <paramref name="userId"/> and a copy of its stored bytes.</summary>
    public CustomerProfile? ReadProfile(string userId, out byte[]? bytes)
    {
        var profile = ProfileRecords.Read(_session, userId, _read);
        bytes = profile is null ? null : _read.WrittenSpan.ToArray();
        return profile;
    }

    public static TimerBucketRecord ReadBucket(byte[] value) => MessagePackSerializer.Deserialize<TimerBucketRecord>(value, s_options);

    public static TriggerUserRecord ReadUser(ReadOnlyMemory<byte> value) => MessagePackSerializer.Deserialize<TriggerUserRecord>(value, s_options);

    public void Dispose() => _session.Dispose();
}
