using Microsoft.Extensions.Logging;

namespace Personalization.Triggers.Engine;

internal static partial class TriggerLog
{
    [LoggerMessage(200, LogLevel.Information, "Trigger engine recovered {Pending} pending timers over {ShardCount} shards.")]
    public static partial void TimersRecovered(ILogger logger, long pending, int shardCount);
}
