using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using Personalization.Triggers;

namespace Personalization.Benchmarks.Load;

/// <summary>Counts send decisions by trigger name and keeps nothing else: the load harness's in-memory sink.</summary>
internal sealed class CountingSendSink : ISendIntentSink
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Counts
    {
        get
        {
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, count) in _counts)
            {
                counts[name] = Interlocked.Read(ref count.Value);
            }

            return counts;
        }
    }

    public void Submit(SendIntent intent) => Count(intent.Trigger);

    public void Count(string triggerName) =>
        Interlocked.Increment(ref _counts.GetOrAdd(triggerName, static _ => new StrongBox<long>()).Value);
}
