using Microsoft.Extensions.Logging;

namespace Personalization.Delivery;

/// <summary>The delivery stage's log messages, source-generated.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(300, LogLevel.Information, "Delivery recovered {Pending} undelivered sends and {Ended} ended sends from the outbox.")]
    public static partial void Recovered(ILogger logger, int pending, int ended);

    [LoggerMessage(301, LogLevel.Warning, "Send {SendKey} ({Trigger}) failed after {Attempts} attempts ({Reason}) and went to dead letters: {Error}")]
    public static partial void SendFailed(ILogger logger, string sendKey, string trigger, int attempts, string reason, string error);

    [LoggerMessage(302, LogLevel.Debug, "Send {SendKey} attempt {Attempt} failed and will be retried: {Error}")]
    public static partial void SendRetried(ILogger logger, string sendKey, int attempt, string error);

    [LoggerMessage(303, LogLevel.Warning, "Send {SendKey} failed and its dead letter could not be written (the ledger still has it).")]
    public static partial void DeadLetterNotWritten(ILogger logger, string sendKey);

    [LoggerMessage(304, LogLevel.Error, "Send {SendKey} failed in delivery itself and went to dead letters.")]
    public static partial void SendCrashed(ILogger logger, Exception exception, string sendKey);
}
