using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Personalization.Samples.Replay;

/// <summary>Prints a <see cref="ReplayResult"/>: a readable summary, or one JSON object.</summary>
internal static class ReplayReport
{
    public static void WriteSummary(ReplayResult result, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders()
            .AddColumn(new TableColumn("what")).AddColumn(new TableColumn("value").RightAligned());
        table.Title = new TableTitle(Markup.Escape(result.Interrupted ? "Replay (interrupted)" : "Replay"));
        Row(table, "Source", result.Source);
        Row(table, "Events read", N(result.EventsRead));
        Row(table, "Accepted", N(result.EventsAccepted));
        Row(table, "Duplicate", N(result.EventsDuplicate));
        Row(table, "Rejected", N(result.EventsRejected));
        if (result.EventsFailed > 0)
        {
            Row(table, "Accepted but failed to apply", N(result.EventsFailed));
        }

        Row(table, "Profiles", N(result.Profiles));
        Row(table, "Shards", N(result.Shards));
        Row(table, "Elapsed", string.Create(CultureInfo.InvariantCulture, $"{result.ElapsedSeconds:N2} s"));
        Row(table, "Throughput", string.Create(CultureInfo.InvariantCulture, $"{result.EventsPerSecond:N0} events/s"));
        var latency = result.Latency;
        Row(table, "Latency p50 / p99 / p99.9 / max",
            string.Create(CultureInfo.InvariantCulture, $"{latency.P50:N2} / {latency.P99:N2} / {latency.P999:N2} / {latency.Max:N2} ms"));
        if (result.SteadyLatency.Count > 0)
        {
            var steady = result.SteadyLatency;
            Row(table, "  after the first 100,000 events",
                string.Create(CultureInfo.InvariantCulture, $"{steady.P50:N2} / {steady.P99:N2} / {steady.P999:N2} / {steady.Max:N2} ms"));
        }

        Row(table, "Store", result.TemporaryStore ? "temporary (deleted)" : result.DataDirectory);
        Row(table, "Durability / checkpoints", $"{ReplayOptions.DurabilityName(result.Durability)} / {Interval(result.CheckpointInterval)}");
        if (result.StoreRecovered)
        {
            Row(table, "Recovered", $"yes, {N(result.RecoveryReplayed)} log entries replayed");
        }

        if (result.ProfilesDumpedTo is not null)
        {
            Row(table, "Profiles written to", result.ProfilesDumpedTo);
        }

        if (result.TimersDumpedTo is not null)
        {
            Row(table, $"Pending triggers ({N(result.PendingTriggers ?? 0)}) written to", result.TimersDumpedTo);
        }

        if (result.DeadLettersDumpedTo is not null)
        {
            Row(table, $"Dead letters ({N(result.DeadLetters ?? 0)}) written to", result.DeadLettersDumpedTo);
        }

        if (result.DeliveredTo is not null)
        {
            var d = result.Delivery;
            Row(table, "Emails sent / failed / skipped", $"{N(d.Sent)} / {N(d.Failed)} / {N(d.Skipped)}");
            Row(table, "Emails delivered to", result.DeliveredTo);
        }

        console.Write(table);
        if (result.Triggers.Count > 0)
        {
            var triggers = new Table().Border(TableBorder.Rounded).Title("Triggers").AddColumn(new TableColumn("trigger").NoWrap());
            foreach (var column in new[] { "entered", "restarted", "cancelled", "suppressed", "deferred", "fired" })
            {
                triggers.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var (name, counts) in result.Triggers.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                triggers.AddRow(Markup.Escape(name), N(counts.Entered), N(counts.Restarted), N(counts.Cancelled),
                    N(counts.Suppressed), N(counts.Deferred), N(counts.Fired));
            }

            console.Write(triggers);
        }

        if (result.RejectedByReason.Count > 0)
        {
            var reasons = new Table().Border(TableBorder.Rounded).Title("Rejected by reason")
                .AddColumn("reason").AddColumn(new TableColumn("events").RightAligned());
            foreach (var (reason, count) in result.RejectedByReason)
            {
                reasons.AddRow(Markup.Escape(reason), N(count));
            }

            console.Write(reasons);
            console.MarkupLine("[grey]First rejections:[/]");
            foreach (var sample in result.RejectionSamples)
            {
                console.MarkupLine($"[grey]  {Markup.Escape(Shorten(sample))}[/]");
            }
        }
    }

    private static void WriteLatency(Utf8JsonWriter writer, string name, LatencySummary latency)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("p50", Math.Round(latency.P50, 3));
        writer.WriteNumber("p99", Math.Round(latency.P99, 3));
        writer.WriteNumber("p999", Math.Round(latency.P999, 3));
        writer.WriteNumber("max", Math.Round(latency.Max, 3));
        writer.WriteEndObject();
    }

    /// <summary>Writes the result as one JSON object (the keys are stable: scripts read them).</summary>
    public static void WriteJson(ReplayResult result, Stream output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("source", result.Source);
        writer.WriteNumber("events_read", result.EventsRead);
        writer.WriteNumber("events_accepted", result.EventsAccepted);
        writer.WriteNumber("events_rejected", result.EventsRejected);
        writer.WriteNumber("events_duplicate", result.EventsDuplicate);
        writer.WriteNumber("events_failed", result.EventsFailed);
        writer.WriteNumber("profiles", result.Profiles);
        writer.WriteNumber("shards", result.Shards);
        writer.WriteString("durability", ReplayOptions.DurabilityName(result.Durability));
        writer.WriteNumber("checkpoint_interval_seconds", result.CheckpointInterval.TotalSeconds);
        writer.WriteBoolean("recovered", result.StoreRecovered);
        writer.WriteNumber("recovery_replayed", result.RecoveryReplayed);
        if (result.PendingTriggers is { } pending)
        {
            writer.WriteNumber("pending_triggers", pending);
        }

        if (result.DeadLetters is { } deadLetters)
        {
            writer.WriteNumber("dead_letters", deadLetters);
        }

        writer.WriteNumber("elapsed_seconds", Math.Round(result.ElapsedSeconds, 3));
        writer.WriteNumber("events_per_second", Math.Round(result.EventsPerSecond, 1));
        WriteLatency(writer, "latency_ms", result.Latency);
        if (result.SteadyLatency.Count > 0)
        {
            WriteLatency(writer, "latency_ms_after_warmup", result.SteadyLatency);
        }

        writer.WriteStartObject("rejected_by_reason");
        foreach (var (reason, count) in result.RejectedByReason)
        {
            writer.WriteNumber(reason, count);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("triggers");
        foreach (var (name, counts) in result.Triggers.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(name);
            writer.WriteNumber("entered", counts.Entered);
            writer.WriteNumber("restarted", counts.Restarted);
            writer.WriteNumber("cancelled", counts.Cancelled);
            writer.WriteNumber("suppressed", counts.Suppressed);
            writer.WriteNumber("fired", counts.Fired);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        var delivery = result.Delivery;
        writer.WriteNumber("emails_rendered", delivery.Rendered);
        writer.WriteNumber("emails_sent", delivery.Sent);
        writer.WriteNumber("emails_failed", delivery.Failed);
        writer.WriteNumber("emails_skipped", delivery.Skipped);
        writer.WriteNumber("emails_retried", delivery.Retried);
        writer.WriteNumber("emails_duplicate", delivery.Duplicates);
        if (result.DeliveredTo is not null)
        {
            writer.WriteString("emails_delivered_to", result.DeliveredTo);
        }

        writer.WriteStartObject("gc");
        writer.WriteNumber("gen0", GC.CollectionCount(0));
        writer.WriteNumber("gen1", GC.CollectionCount(1));
        writer.WriteNumber("gen2", GC.CollectionCount(2));
        writer.WriteNumber("allocated_mib", GC.GetTotalAllocatedBytes() / (1024 * 1024));
        writer.WriteNumber("pause_seconds", Math.Round(GC.GetTotalPauseDuration().TotalSeconds, 3));
        writer.WriteEndObject();
        writer.WriteBoolean("interrupted", result.Interrupted);
        writer.WriteEndObject();
        writer.Flush();
        output.WriteByte((byte)'\n');
        output.Flush();
    }

    private static void Row(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

    private static string Interval(TimeSpan interval) =>
        interval == TimeSpan.Zero ? "off" : interval.ToString("c", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "...");
}
