namespace Personalization.Pipeline;

/// <summary>Where the trigger stage's clock comes from.</summary>
public enum ClockMode
{
    /// <summary>Wall-clock time from the host's <see cref="TimeProvider"/> (live hosts).</summary>
    ProcessingTime,

    /// <summary>The newest event timestamp seen, per shard (replays, backfills, tests). Timers due at or before an
    /// event's timestamp resolve before that event is applied.</summary>
    EventTime,
}
