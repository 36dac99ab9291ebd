using Microsoft.Extensions.Logging;

namespace Personalization.Samples.Replay;

/// <summary>
/// Shows the pipeline's warnings and errors on stderr (the first few, so a broken run cannot flood the terminal);
/// everything else is dropped. Keeps stdout clean for the summary or the JSON result.
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory, ILogger
{
    private const int MaxMessages = 5;

    private int _written;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var count = Interlocked.Increment(ref _written);
        if (count > MaxMessages)
        {
            return;
        }

        var message = formatter(state, exception);
        var detail = exception is null ? string.Empty : $" {Describe(exception)}";
        var more = count == MaxMessages ? " (further pipeline messages are not shown)" : string.Empty;
        Console.Error.WriteLine($"replay: pipeline {logLevel.ToString().ToLowerInvariant()}: {message}{detail}{more}");
    }

    public void Dispose()
    {
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
