using Microsoft.Extensions.Logging;

namespace Personalization.DeadLetters;

/// <summary>The dead-letter store's log messages, source-generated.</summary>
internal static partial class DeadLetterLog
{
    [LoggerMessage(400, LogLevel.Warning, "{Count} dead letters could not be written to {Directory}: {Error}")]
    public static partial void WriteFailed(ILogger logger, long count, string directory, string error);

    [LoggerMessage(401, LogLevel.Information, "Dropped the oldest dead-letter segment, {Count} entries, to stay within DeadLetters.{Bound}.")]
    public static partial void SegmentDropped(ILogger logger, long count, string bound);

    [LoggerMessage(402, LogLevel.Warning, "The last line of dead-letter file {File} was torn ({Bytes} bytes, a write stopped by a crash) and was dropped.")]
    public static partial void TornLineDropped(ILogger logger, string file, long bytes);

    [LoggerMessage(403, LogLevel.Warning, "The dead-letter state file {File} could not be read or written: {Error}")]
    public static partial void StateFailed(ILogger logger, string file, string error);

    [LoggerMessage(404, LogLevel.Information, "Dead letters opened in {Directory}: {Count} entries in {Segments} segments, next id {NextId}.")]
    public static partial void Opened(ILogger logger, string directory, long count, int segments, long nextId);
}
