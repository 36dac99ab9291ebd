using Microsoft.Extensions.Logging;

namespace Personalization.Diagnostics;

/// <summary>The engine's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Personalization pipeline started in {DataDirectory} with {ShardCount} shards ({Clock}); store {StoreState}; durability {Durability}; opened and recovered in {OpenMs:F0} ms.")]
    public static partial void PipelineStarted(ILogger logger, string dataDirectory, int shardCount, Pipeline.ClockMode clock, string storeState,
        Pipeline.DurabilityMode durability, double openMs);

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

    [LoggerMessage(8, LogLevel.Information, "Recovery: replaying the ingest log from address {From} to {Until}.")]
    public static partial void RecoveryReplayStarting(ILogger logger, long from, long until);

    [LoggerMessage(9, LogLevel.Information, "Recovery: {Replayed} log entries replayed in {ElapsedSeconds:F1} s so far.")]
    public static partial void RecoveryReplayProgress(ILogger logger, long replayed, double elapsedSeconds);

    [LoggerMessage(10, LogLevel.Information, "Recovery: {Replayed} log entries replayed and applied in {ElapsedMs:F0} ms.")]
    public static partial void RecoveryReplayed(ILogger logger, long replayed, double elapsedMs);

    [LoggerMessage(11, LogLevel.Warning, "The checkpoint reflects the ingest log up to {Position}, but the log ends at {Tail} (it lost commits to a storage failure before the crash); checkpointing now.")]
    public static partial void IngestLogBehindCheckpoint(ILogger logger, long position, long tail);

    [LoggerMessage(12, LogLevel.Debug, "Checkpoint taken at ingest log address {Position}: stages held {PausedMs:F0} ms, {ElapsedMs:F0} ms in all.")]
    public static partial void CheckpointTaken(ILogger logger, long position, double pausedMs, double elapsedMs);

    [LoggerMessage(13, LogLevel.Error, "A periodic checkpoint failed; the last checkpoint and the ingest log still hold every accepted event.")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "Truncating the ingest log or the outbox after a checkpoint failed; the next checkpoint truncates them.")]
    public static partial void TruncateFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "The stop takes no checkpoint ({Reason}): the next start recovers the last checkpoint and replays the ingest log.")]
    public static partial void FinalCheckpointSkipped(ILogger logger, string reason);

    [LoggerMessage(16, LogLevel.Critical, "The storage of {DataDirectory} failed: events are rejected with reason storage_unavailable and the health check reports Unhealthy until the pipeline is restarted.")]
    public static partial void StorageFailed(ILogger logger, Exception exception, string dataDirectory);

    [LoggerMessage(17, LogLevel.Error, "Erasing user {UserId} failed on shard {Shard}.")]
    public static partial void EraseFailed(ILogger logger, Exception exception, string userId, int shard);

    [LoggerMessage(18, LogLevel.Information, "Store compacted: log {BeforeMiB:F1} MiB -> {AfterMiB:F1} MiB, {RecordsCopied} live records copied, {DedupeDropped} expired dedupe entries dropped, in {ElapsedMs:F0} ms.")]
    public static partial void StoreCompacted(ILogger logger, double beforeMiB, double afterMiB, long recordsCopied, long dedupeDropped, double elapsedMs);

    [LoggerMessage(19, LogLevel.Warning, "Compacting the store after a checkpoint failed; the next checkpoint tries again.")]
    public static partial void CompactionFailed(ILogger logger, Exception exception);

    [LoggerMessage(20, LogLevel.Debug, "Identity {FromId} merged into {ToId} (profile moved: {ProfileMoved}, pending trigger instances moved: {InstancesMoved}).")]
    public static partial void IdentityMerged(ILogger logger, string fromId, string toId, bool profileMoved, int instancesMoved);

    [LoggerMessage(21, LogLevel.Error, "Taking the state of {FromId} for an identity merge failed on shard {Shard}; the merge goes on without it.")]
    public static partial void MergeFailed(ILogger logger, Exception exception, string fromId, int shard);
}
