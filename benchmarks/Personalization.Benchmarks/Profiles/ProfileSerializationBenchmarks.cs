using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using MessagePack;
using Personalization.Benchmarks.Support;
using Personalization.Profiles;

namespace Personalization.Benchmarks.Profiles;

/// <summary>
/// The stored form of a profile: <see cref="ProfileSerializer"/> (MessagePack with integer keys, schema version 2)
/// writing and reading the profile of a shopper after a visit, against a round trip of the same profile through
/// <see cref="JsonSerializer"/> with default options (what a developer would store without the engine). A last row
/// reads one counter out of the stored bytes without building the profile: what a field-level update could cost.
/// </summary>
/// <remarks>
/// The JSON baseline reads the traits back as <see cref="JsonElement"/>s (not the engine's value types), so it does a
/// little less work than a faithful copy would; the ratios favour the baseline, not MessagePack.
/// </remarks>
[MemoryDiagnoser]
public class ProfileSerializationBenchmarks
{
    private static readonly JsonSerializerOptions s_json = new();

    // The position of CustomerProfile.EventCount in the stored array ([Key(10)]).
    private const int EventCountKey = 10;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private CustomerProfile _profile = null!;
    private byte[] _stored = [];

    [GlobalSetup]
    public void Setup()
    {
        _profile = SampleProfiles.Shopper("user-0001234");
        ProfileSerializer.Serialize(_buffer, _profile);
        _stored = _buffer.WrittenSpan.ToArray();

        // Every row must give back the profile it was given, or the comparison means nothing.
        var json = Json_RoundTrip();
        var messagePack = MessagePack_RoundTrip();
        if (json.EventCount != _profile.EventCount || messagePack.EventCount != _profile.EventCount
            || messagePack.Cart.Count != _profile.Cart.Count || Read_EventCount() != _profile.EventCount)
        {
            throw new InvalidOperationException("A round trip lost data of the sample profile.");
        }

        var jsonBytes = JsonSerializer.SerializeToUtf8Bytes(_profile, s_json).Length;
        Console.WriteLine($"// The profile is {_stored.Length} bytes as MessagePack, {jsonBytes} bytes as JSON.");
    }

    [Benchmark(Baseline = true, Description = "Round trip: System.Text.Json")]
    public CustomerProfile Json_RoundTrip()
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            JsonSerializer.Serialize(writer, _profile, s_json);
        }

        return JsonSerializer.Deserialize<CustomerProfile>(_buffer.WrittenSpan, s_json)!;
    }

    [Benchmark(Description = "Round trip: ProfileSerializer (MessagePack)")]
    public CustomerProfile MessagePack_RoundTrip()
    {
        _buffer.ResetWrittenCount();
        ProfileSerializer.Serialize(_buffer, _profile);
        return ProfileSerializer.Deserialize(_buffer.WrittenMemory);
    }

    [Benchmark(Description = "Serialize only: ProfileSerializer")]
    public int MessagePack_Serialize()
    {
        _buffer.ResetWrittenCount();
        ProfileSerializer.Serialize(_buffer, _profile);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Deserialize only: ProfileSerializer")]
    public CustomerProfile MessagePack_Deserialize() => ProfileSerializer.Deserialize(_stored);

    [Benchmark(Description = "Read one counter (EventCount) with MessagePackReader, no profile")]
    public long Read_EventCount()
    {
        var reader = new MessagePackReader(_stored);
        var count = reader.ReadArrayHeader();
        if (count <= EventCountKey)
        {
            return 0;
        }

        for (var i = 0; i < EventCountKey; i++)
        {
            reader.Skip();
        }

        return reader.ReadInt64();
    }
}
