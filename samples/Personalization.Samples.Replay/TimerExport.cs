using System.Text.Json;
using Personalization.Pipeline;
using Personalization.Triggers;

namespace Personalization.Samples.Replay;

/// <summary>Writes every pending trigger instance as one JSON object per line, sorted by trigger, user id and instance key.</summary>
internal static class TimerExport
{
    /// <summary>Writes the pending instances to <paramref name="output"/> and returns how many there are.</summary>
    public static async Task<long> WriteAsync(PersonalizationPipeline pipeline, Stream output)
    {
        // The store yields them in its log order, which depends on how the shards interleaved; sorted, two stores
        // with the same timers give the same file, line by line.
        var pending = new List<PendingTrigger>();
        await foreach (var instance in pipeline.ScanPendingTriggersAsync())
        {
            pending.Add(instance);
        }

        pending.Sort(static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Trigger, b.Trigger);
            order = order != 0 ? order : string.CompareOrdinal(a.UserId, b.UserId);
            return order != 0 ? order : string.CompareOrdinal(a.InstanceKey, b.InstanceKey);
        });
        await using (var writer = new Utf8JsonWriter(output))
        {
            foreach (var instance in pending)
            {
                writer.WriteStartObject();
                writer.WriteString("trigger", instance.Trigger);
                writer.WriteString("user_id", instance.UserId);
                writer.WriteString("instance_key", instance.InstanceKey);
                writer.WriteNumber("occurrence", instance.Occurrence);
                writer.WriteString("entered_at", ProfileExport.Iso(instance.EnteredAt));
                writer.WriteString("due_at", ProfileExport.Iso(instance.DueAt));
                writer.WriteNumber("restarts", instance.Restarts);
                writer.WriteEndObject();
                await writer.FlushAsync();
                writer.Reset();
                output.WriteByte((byte)'\n');
            }
        }

        await output.FlushAsync();
        return pending.Count;
    }
}
