namespace Personalization.Pipeline;

/// <summary>
/// A marker that flows through the channels like an event. It completes when every shard has passed it, which
/// proves that every event ingested before it was applied and evaluated.
/// </summary>
internal sealed class PipelineBarrier
{
    private readonly TaskCompletionSource _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public PipelineBarrier(int shardCount, bool isFinal)
    {
        _remaining = shardCount;
        IsFinal = isFinal;
    }

    /// <summary>Whether shards should resolve every pending timer when they pass it (the end of a replay).</summary>
    public bool IsFinal { get; }

    public Task Passed => _passed.Task;

    public void ShardPassed()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _passed.TrySetResult();
        }
    }

    public void Abandon(Exception reason) => _passed.TrySetException(reason);
}
