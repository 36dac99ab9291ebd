using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Personalization.Benchmarks.Support;
using Personalization.Dedupe;
using Personalization.Storage;

namespace Personalization.Benchmarks.Dedupe;

/// <summary>
/// The dedupe check of a <c>messageId</c> never seen before (the common case) in <see cref="DedupeIndex"/>, which
/// keeps it in the FASTER store with the time it was seen, against in-memory sets that forget everything on restart.
/// Every invocation makes a new id (a 20-character string, the same cost in every row).
/// </summary>
/// <remarks>
/// Every iteration adds the same number of new ids (<see cref="IdsPerIteration"/>). The in-memory sets start each
/// iteration empty and sized for them, so that they measure adds, not rehashing or the growth of a set that is never
/// trimmed; the store keeps every id, as it does in the pipeline (about 7 million by the end of a short run).
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(IdsPerIteration)]
public class DedupeBenchmarks
{
    private const int IdsPerIteration = 1 << 20;
    private const int SeenCount = 100_000;
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_window = TimeSpan.FromDays(7);

    private HashSet<string> _hashSet = [];
    private ConcurrentDictionary<string, long> _dictionary = new(StringComparer.Ordinal);
    private TempDirectory? _directory;
    private FasterKeyValueStore? _store;
    private IKeyValueSession? _session;
    private DedupeIndex? _index;
    private string[] _seen = [];
    private long _counter;
    private int _seenPosition;

    [GlobalSetup]
    public void Setup()
    {
        _directory = new TempDirectory("personalization-bench-dedupe");
        _store = FasterKeyValueStore.Open(Path.Combine(_directory.Path, "store"), Path.Combine(_directory.Path, "checkpoints"), new StoreOptions());
        _session = _store.OpenSession();
        _index = new DedupeIndex(_session, s_window);

        _seen = new string[SeenCount];
        for (var i = 0; i < _seen.Length; i++)
        {
            _seen[i] = string.Create(CultureInfo.InvariantCulture, $"seen-{i:D15}");
            _index.IsDuplicate(_seen[i], s_now);
        }

        new Random(42).Shuffle(_seen);
    }

    [IterationSetup(Targets = [nameof(New_HashSet), nameof(New_ConcurrentDictionary)])]
    public void EmptySets()
    {
        _hashSet = new HashSet<string>(IdsPerIteration, StringComparer.Ordinal);
        _dictionary = new ConcurrentDictionary<string, long>(Environment.ProcessorCount, IdsPerIteration, StringComparer.Ordinal);
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

    [Benchmark(Baseline = true, Description = "New id: HashSet<string>, in memory")]
    public bool New_HashSet() => !_hashSet.Add(NextId());

    [Benchmark(Description = "New id: ConcurrentDictionary<string, long> with window, in memory")]
    public bool New_ConcurrentDictionary()
    {
        var id = NextId();
        var now = s_now.UtcTicks;
        if (_dictionary.TryGetValue(id, out var seenTicks) && now - seenTicks <= s_window.Ticks)
        {
            return true;
        }

        _dictionary[id] = now;
        return false;
    }

    [Benchmark(Description = "New id: DedupeIndex.IsDuplicate (FASTER)")]
    public bool New_DedupeIndex() => _index!.IsDuplicate(NextId(), s_now);

    [Benchmark(Description = "Seen id: DedupeIndex.IsDuplicate (FASTER)")]
    public bool Seen_DedupeIndex()
    {
        var id = _seen[_seenPosition];
        _seenPosition = _seenPosition + 1 == _seen.Length ? 0 : _seenPosition + 1;
        return _index!.IsDuplicate(id, s_now);
    }

    private string NextId() => string.Create(CultureInfo.InvariantCulture, $"msg-{++_counter:D16}");
}
