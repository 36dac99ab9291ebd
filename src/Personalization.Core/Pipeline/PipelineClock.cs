namespace Personalization.Pipeline;

/// <summary>
/// The one clock of a pipeline: wall-clock time from <see cref="TimeProvider"/>, or event time (the newest event
/// timestamp seen minus the allowed lateness). Library code takes time from here and nowhere else.
/// </summary>
internal sealed class PipelineClock
{
    private readonly TimeProvider _timeProvider;
    private readonly ClockMode _mode;
    private readonly TimeSpan _allowedLateness;

    public PipelineClock(TimeProvider timeProvider, ClockMode mode, TimeSpan allowedLateness)
    {
        _timeProvider = timeProvider;
        _mode = mode;
        _allowedLateness = allowedLateness;
    }

    public ClockMode Mode => _mode;

    /// <summary>The clock's reading as an event with <paramref name="timestamp"/>, ingested at
    /// <paramref name="ingestTime"/>, is applied. In processing time that is the ingest time, so an event replayed from
    /// the ingest log after a crash is applied at the time it first had.</summary>
    public DateTimeOffset OnEvent(DateTimeOffset timestamp, DateTimeOffset ingestTime) =>
        _mode == ClockMode.EventTime ? timestamp - _allowedLateness : ingestTime;

    /// <summary>The clock's reading on an idle tick; event time does not move without events.</summary>
    public DateTimeOffset OnTick() =>
        _mode == ClockMode.EventTime ? DateTimeOffset.MinValue : _timeProvider.GetUtcNow();

    /// <summary>Wall-clock time, for things that are not event-time, such as the dedupe window in processing time.</summary>
    public DateTimeOffset WallClock => _timeProvider.GetUtcNow();
}
