using Microsoft.Extensions.Logging;

namespace Personalization.Diagnostics;

/// <summary>The engine's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Personalization pipeline started in {DataDirectory} with {ShardCount} shards ({Clock}); store {StoreState}; opened in {OpenMs:F0} ms.")]
    public static partial void PipelineStarted(ILogger logger, string dataDirectory, int shardCount, Pipeline.ClockMode clock, string storeState, double openMs);

    [LoggerMessage(2, LogLevel.Information, "Personalization pipeline stopped: drained, checkpointed and closed in {ElapsedMs:F0} ms.")]
    public static partial void PipelineStopped(ILogger logger, double elapsedMs);

    [LoggerMessage(3, LogLevel.Error, "Event {MessageId} of {ProfileId} failed on shard {Shard} and was skipped.")]
    public static partial void EventFailed(ILogger logger, Exception exception, string messageId, string? profileId, int shard);

    [LoggerMessage(4, LogLevel.Error, "The trigger evaluator failed on shard {Shard} for event {MessageId}; the profile update stands.")]
    public static partial void EvaluatorFailed(ILogger logger, Exception exception, int shard, string messageId);

    [LoggerMessage(5, LogLevel.Error, "The trigger evaluator failed on shard {Shard} at clock {Now:O}.")]
    public static partial void ClockEvaluatorFailed(ILogger logger, Exception exception, int shard, DateTimeOffset now);

    [LoggerMessage(6, LogLevel.Critical, "Pipeline stage {Stage} stopped with an error; the pipeline is faulted.")]
    public static partial void StageFaulted(ILogger logger, Exception exception, string stage);

    [LoggerMessage(7, LogLevel.Error, "Dedupe check of event {MessageId} failed; the event is passed on.")]
    public static partial void DedupeFailed(ILogger logger, Exception exception, string messageId);
}
