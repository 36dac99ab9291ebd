using System.Collections.Concurrent;

namespace Personalization.Triggers;

/// <summary>Keeps every <see cref="SendIntent"/> in memory, up to a limit (for tests, samples and dry runs).</summary>
public sealed class InMemorySendIntentSink : ISendIntentSink
{
    private readonly ConcurrentQueue<SendIntent> _intents = new();
    private long _dropped;

    /// <summary>Creates a sink that keeps at most <paramref name="capacity"/> intents; later ones are counted and dropped.</summary>
    public InMemorySendIntentSink(int capacity = 1_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>How many intents the sink keeps.</summary>
    public int Capacity { get; }

    /// <summary>The intents so far, in the order they were submitted.</summary>
    public IReadOnlyCollection<SendIntent> Intents => _intents;

    /// <summary>Intents that came after the sink was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    public void Submit(SendIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        if (_intents.Count >= Capacity)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        _intents.Enqueue(intent);
    }
}
