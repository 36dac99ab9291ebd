using System.Buffers;
using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Personalization.Benchmarks.Support;
using Personalization.Events;
using Personalization.Profiles;
using Personalization.Storage;

namespace Personalization.Benchmarks.Profiles;

/// <summary>
/// A profile update done the way a pipeline shard does it (read the stored bytes from FASTER, deserialize, apply the
/// event, serialize, upsert) and a profile read done the way <see cref="IProfileReader.GetAsync"/> does it, over
/// 100,000 stored profiles; against an in-memory, not durable <see cref="ConcurrentDictionary{TKey, TValue}"/> of
/// profiles updated in place. The MessagePack round trip alone is <see cref="ProfileSerializationBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class ProfileStoreBenchmarks
{
    private const int ProfileCount = 100_000;

    private readonly byte[] _key = new byte[StoreKeys.BufferSize];
    private readonly ArrayBufferWriter<byte> _previous = new(1024);
    private readonly ArrayBufferWriter<byte> _next = new(1024);
    private readonly ConcurrentDictionary<string, CustomerProfile> _dictionary = new(StringComparer.Ordinal);
    private TempDirectory? _directory;
    private FasterKeyValueStore? _store;
    private IKeyValueSession? _session;
    private string[] _order = [];
    private SegmentEvent _event = null!;
    private int _position;

    [GlobalSetup]
    public void Setup()
    {
        _directory = new TempDirectory("personalization-bench-profiles");
        _store = FasterKeyValueStore.Open(Path.Combine(_directory.Path, "store"), Path.Combine(_directory.Path, "checkpoints"), new StoreOptions());
        _session = _store.OpenSession();

        var userIds = SampleProfiles.UserIds(ProfileCount);
        foreach (var userId in userIds)
        {
            var profile = SampleProfiles.Shopper(userId);
            _dictionary[userId] = profile;
            _next.ResetWrittenCount();
            ProfileSerializer.Serialize(_next, profile);
            Upsert(userId, _next.WrittenSpan);
        }

        // Users come back in no particular order: visit them shuffled, the same way for every benchmark.
        _order = (string[])userIds.Clone();
        new Random(42).Shuffle(_order);
        _event = SampleProfiles.ProductAdded(_order[0]);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _session?.Dispose();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _directory?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Update: ConcurrentDictionary, in memory")]
    public CustomerProfile Update_ConcurrentDictionary()
    {
        var userId = NextUser();
        var profile = _dictionary.TryGetValue(userId, out var existing)
            ? existing
            : _dictionary.GetOrAdd(userId, ProfileUpdater.Create(userId, _event.Timestamp));
        ProfileUpdater.Apply(profile, _event);
        return profile;
    }

    [Benchmark(Description = "Update: FASTER read + deserialize + apply + serialize + upsert")]
    public CustomerProfile Update_FasterStore()
    {
        var userId = NextUser();
        var key = Key(userId);
        _previous.ResetWrittenCount();
        var profile = _session!.TryRead(key, _previous)
            ? ProfileSerializer.Deserialize(_previous.WrittenMemory)
            : ProfileUpdater.Create(userId, _event.Timestamp);
        ProfileUpdater.Apply(profile, _event);

        _next.ResetWrittenCount();
        ProfileSerializer.Serialize(_next, profile);
        _session.Upsert(key, _next.WrittenSpan);
        return profile;
    }

    [Benchmark(Description = "Read: FASTER read + deserialize (as GetAsync)")]
    public CustomerProfile? Read_FasterStore()
    {
        var key = Key(NextUser());
        var value = new ArrayBufferWriter<byte>(512);
        return _session!.TryRead(key, value) ? ProfileSerializer.Deserialize(value.WrittenMemory) : null;
    }

    private string NextUser()
    {
        var userId = _order[_position];
        _position = _position + 1 == _order.Length ? 0 : _position + 1;
        return userId;
    }

    private ReadOnlySpan<byte> Key(string userId) => _key.AsSpan(0, StoreKeys.Write(StoreKeys.Profile, userId, _key));

    private void Upsert(string userId, ReadOnlySpan<byte> value) => _session!.Upsert(Key(userId), value);
}
