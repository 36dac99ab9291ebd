namespace Personalization.Pipeline;

/// <summary>
/// A marker that flows through the channels like an event. It completes when every shard has passed it, which
/// proves that every event ingested before it was applied and evaluated.
/// </summary>
/// <remarks>
/// A checkpoint barrier also holds the stages where they are: the dedupe stage and each shard wait at it until the
/// checkpoint is taken and <see cref="Resume"/> is called, so the store holds exactly the effect of the log before
/// <see cref="LogPosition"/>, with the clocks the stages had there.
/// </remarks>
internal sealed class PipelineBarrier
{
    private readonly TaskCompletionSource _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource? _resumed;
    private int _remaining;

    public PipelineBarrier(int shardCount, bool isFinal, bool isCheckpoint = false)
    {
        _remaining = shardCount;
        IsFinal = isFinal;
        if (isCheckpoint)
        {
            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ShardClocks = new DateTimeOffset[shardCount];
        }
    }

    /// <summary>Whether shards should resolve every pending timer when they pass it (the end of a replay).</summary>
    public bool IsFinal { get; }

    /// <summary>Whether the stages wait at this barrier until a checkpoint is taken.</summary>
    public bool IsCheckpoint => _resumed is not null;

    /// <summary>Set by the dedupe stage: the ingest-log address after the last entry before this barrier.</summary>
    public long LogPosition { get; set; }

    /// <summary>Set by the dedupe stage: its event-time watermark at this barrier.</summary>
    public DateTimeOffset DedupeWatermark { get; set; }

    /// <summary>Set by each shard as it passes: its clock at this barrier (checkpoint barriers only).</summary>
    public DateTimeOffset[] ShardClocks { get; } = [];

    public Task Passed => _passed.Task;

    /// <summary>Completes when the checkpoint is taken (or abandoned): the stages go on.</summary>
    public Task Resumed => _resumed?.Task ?? Task.CompletedTask;

    public void ShardPassed()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _passed.TrySetResult();
        }
    }

    public void Resume() => _resumed?.TrySetResult();

    public void Abandon(Exception reason)
    {
        _passed.TrySetException(reason);
        Resume();
    }
}
