using Microsoft.Extensions.Logging;

namespace Personalization.Samples.Replay;

/// <summary>
/// Shows the pipeline's warnings and errors on stderr (the first few, so a broken run cannot flood the terminal);
/// with --verbose also every information and debug message (start, recovery, checkpoints); everything else is
/// dropped. Keeps stdout clean for the summary or the JSON result.
/// </summary>
internal sealed class StderrLoggerFactory(bool verbose) : ILoggerFactory, ILogger
{
    private const int MaxMessages = 5;

    // The pipeline's start message (event 1) says whether the store was recovered, and its recovery message (event
    // 10) how many log entries it replayed: the pipeline has no public property for either.
    private const int StartedEventId = 1;
    private const int RecoveryReplayedEventId = 10;

    private int _written;
    private int _recovered = -1;
    private long _recoveryReplayed;

    /// <summary>Whether the pipeline recovered its store from a checkpoint; null until it has started.</summary>
    public bool? StoreRecovered => Volatile.Read(ref _recovered) switch { 1 => true, 0 => false, _ => null };

    /// <summary>How many ingest-log entries the recovery replayed (0 after a clean stop or on a new store).</summary>
    public long RecoveryReplayed => Interlocked.Read(ref _recoveryReplayed);

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    // Information is always enabled: the start and recovery messages are read even when they are not shown.
    public bool IsEnabled(LogLevel logLevel) => logLevel >= (verbose ? LogLevel.Debug : LogLevel.Information);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        Observe(eventId, state);
        if (logLevel < LogLevel.Warning && !verbose)
        {
            return;
        }

        // Only warnings and errors are capped: the verbose messages are asked for.
        var count = logLevel >= LogLevel.Warning ? Interlocked.Increment(ref _written) : 0;
        if (count > MaxMessages)
        {
            return;
        }

        var message = formatter(state, exception);
        var detail = exception is null ? string.Empty : $" {Describe(exception)}";
        var more = count == MaxMessages ? " (further pipeline warnings and errors are not shown)" : string.Empty;
        Console.Error.WriteLine($"replay: pipeline {logLevel.ToString().ToLowerInvariant()}: {message}{detail}{more}");
    }

    public void Dispose()
    {
    }

    private void Observe<TState>(EventId eventId, TState state)
    {
        if (eventId.Id is not (StartedEventId or RecoveryReplayedEventId) || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            return;
        }

        foreach (var (name, value) in fields)
        {
            if (eventId.Id == StartedEventId && name == "StoreState" && value is string storeState)
            {
                Volatile.Write(ref _recovered, storeState.StartsWith("recovered", StringComparison.Ordinal) ? 1 : 0);
            }
            else if (eventId.Id == RecoveryReplayedEventId && name == "Replayed" && value is long replayed)
            {
                Interlocked.Exchange(ref _recoveryReplayed, replayed);
            }
        }
    }

    // The innermost exception says what actually went wrong; the outer ones are wrappers.
    private static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ReferenceEquals(inner, exception)
            ? $"{exception.GetType().Name}: {exception.Message}"
            : $"{exception.GetType().Name}: {exception.Message} <- {inner.GetType().Name}: {inner.Message}";
    }
}
