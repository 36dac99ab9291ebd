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

    // Profiles are read into a buffer of their own, so that their bytes outlive the reads of a decision.
    private readonly ArrayBufferWriter<byte> _profile = new(1024);

    public TriggerStore(IKeyValueSession session) => _session = session;

    public IKeyValueSession Session => _session;

    public T? Read<T>(ReadOnlySpan<byte> key)
        where T : class
    {
        _read.ResetWrittenCount();
        return _session.TryRead(key, _read) ? MessagePackSerializer.Deserialize<T>(_read.WrittenMemory, s_options) : null;
    }

    public void Write<T>(ReadOnlySpan<byte> key, T value)
    {
        _write.ResetWrittenCount();
        MessagePackSerializer.Serialize(_write, value, s_options);
        _session.Upsert(key, _write.WrittenSpan);
    }

    public void Delete(ReadOnlySpan<byte> key) => _session.Delete(key);

    /// <summary>Reads the value of <paramref name="key"/> into <see cref="LastRead"/>, without decoding it.</summary>
    public bool TryRead(ReadOnlySpan<byte> key)
    {
        _read.ResetWrittenCount();
        return _session.TryRead(key, _read);
    }

    /// <summary>The value of the last successful <see cref="TryRead"/>, valid until the next read.</summary>
    public ReadOnlyMemory<byte> LastRead => _read.WrittenMemory;

    /// <summary>Decodes <see cref="LastRead"/> into a reused instance record (see <see cref="TriggerInstanceFormatter.Read"/>).</summary>
    public void DecodeLastRead(TriggerInstanceRecord into, KnownStrings known, string trigger, string instanceKey, string userId)
    {
        var reader = new MessagePackReader(_read.WrittenMemory);
        TriggerInstanceFormatter.Read(ref reader, into, known, trigger, instanceKey, userId);
    }

    /// <summary>Decodes <see cref="LastRead"/> into a reused instance record, its strings new or known ones.</summary>
    public void DecodeLastRead(TriggerInstanceRecord into, KnownStrings known)
    {
        var reader = new MessagePackReader(_read.WrittenMemory);
        TriggerInstanceFormatter.Read(ref reader, into, known);
    }

    /// <summary>Reads a user's record into a reused one; an absent record reads as a user with no history.</summary>
    public void ReadUser(ReadOnlySpan<byte> key, TriggerUserRecord into, KnownStrings known)
    {
        if (!TryRead(key))
        {
            into.Clear();
            return;
        }

        var reader = new MessagePackReader(_read.WrittenMemory);
        TriggerUserFormatter.Read(ref reader, into, known);
    }

    public void WriteInstance(ReadOnlySpan<byte> key, TriggerInstanceRecord value)
    {
        _write.ResetWrittenCount();
        var writer = new MessagePackWriter(_write);
        TriggerInstanceFormatter.Write(ref writer, value);
        writer.Flush();
        _session.Upsert(key, _write.WrittenSpan);
    }

    public void WriteUser(ReadOnlySpan<byte> key, TriggerUserRecord value)
    {
        _write.ResetWrittenCount();
        var writer = new MessagePackWriter(_write);
        TriggerUserFormatter.Write(ref writer, value);
        writer.Flush();
        _session.Upsert(key, _write.WrittenSpan);
    }

    public void WriteBucket(ReadOnlySpan<byte> key, OpenTimerChunk chunk)
    {
        _write.ResetWrittenCount();
        var writer = new MessagePackWriter(_write);
        chunk.Write(ref writer);
        writer.Flush();
        _session.Upsert(key, _write.WrittenSpan);
    }

    /// <summary>The profile of <paramref name="userId"/>; its stored bytes stay in <see cref="LastProfile"/>.</summary>
    public CustomerProfile? ReadProfile(string userId) => ProfileRecords.Read(_session, userId, _profile);

    /// <summary>The stored bytes of the profile <see cref="ReadProfile"/> found last, valid until the next profile read.</summary>
    public ReadOnlySpan<byte> LastProfile => _profile.WrittenSpan;

    public static TimerBucketRecord ReadBucket(byte[] value) => MessagePackSerializer.Deserialize<TimerBucketRecord>(value, s_options);

    public static TriggerUserRecord ReadUser(ReadOnlyMemory<byte> value) => MessagePackSerializer.Deserialize<TriggerUserRecord>(value, s_options);

    public void Dispose() => _session.Dispose();
}
