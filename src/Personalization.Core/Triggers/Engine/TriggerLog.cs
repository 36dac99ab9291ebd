using Microsoft.Extensions.Logging;

namespace Personalization.Triggers.Engine;

internal static partial class TriggerLog
{
    [LoggerMessage(200, LogLevel.Information, "Trigger engine recovered {Pending} pending timers over {ShardCount} shards.")]
    public static partial void TimersRecovered(ILogger logger, long pending, int shardCount);

    [LoggerMessage(201, LogLevel.Information, "Trigger engine loaded its timer index from the checkpoint: {Seconds} seconds with pending timers over {ShardCount} shards.")]
    public static partial void TimerIndexLoaded(ILogger logger, long seconds, int shardCount);
}
