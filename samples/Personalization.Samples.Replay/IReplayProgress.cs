namespace Personalization.Samples.Replay;

/// <summary>Where the runner reports how far it is.</summary>
internal interface IReplayProgress
{
    /// <summary>After each batch: records read so far and the share of the input read (0 to 1).</summary>
    void Report(long read, double fraction);

    /// <summary>A step after the events are in (completing the replay, counting profiles, checkpointing).</summary>
    void Phase(string description);
}
