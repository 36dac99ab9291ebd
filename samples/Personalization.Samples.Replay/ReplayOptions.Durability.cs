using System.Globalization;
using Personalization.Pipeline;

namespace Personalization.Samples.Replay;

// The durability options: --durability and --checkpoint-interval.
internal sealed partial class ReplayOptions
{
    /// <summary>The --durability value for <paramref name="mode"/>, as the report prints it.</summary>
    public static string DurabilityName(DurabilityMode mode) => mode switch
    {
        DurabilityMode.None => "none",
        DurabilityMode.PerEvent => "per-event",
        _ => "group",
    };

    private static bool TryDurability(ReplayOptions options, string text, out string error)
    {
        DurabilityMode? mode = text.ToLowerInvariant() switch
        {
            "none" => DurabilityMode.None,
            "group" => DurabilityMode.GroupCommit,
            "per-event" => DurabilityMode.PerEvent,
            _ => null,
        };
        if (mode is null)
        {
            error = $"--durability must be none, group or per-event; it is '{text}'.";
            return false;
        }

        options.Durability = mode.Value;
        error = string.Empty;
        return true;
    }

    // "0" or "00:00:00" turns periodic checkpoints off; the pipeline takes 1 second to 1 day otherwise.
    private static bool TryCheckpointInterval(ReplayOptions options, string text, out string error)
    {
        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval)
            || (interval != TimeSpan.Zero && (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromDays(1))))
        {
            error = $"--checkpoint-interval must be 0 (off) or a time span between 00:00:01 and 1.00:00:00; it is '{text}'.";
            return false;
        }

        options.CheckpointInterval = interval;
        error = string.Empty;
        return true;
    }
}
