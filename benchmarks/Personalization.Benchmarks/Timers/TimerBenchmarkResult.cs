using System.Globalization;
using System.Text.Json;
using Personalization.Triggers;

namespace Personalization.Benchmarks.Timers;

/// <summary>What one run of the <c>timers</c> benchmark measured.</summary>
internal sealed class TimerBenchmarkResult
{
    public required TimerBenchmarkOptions Options { get; init; }

    public required double ScheduleSeconds { get; init; }

    public required double ResolveSeconds { get; init; }

    public required double StopSeconds { get; init; }

    /// <summary>Intents the sink got before <c>CompleteReplayAsync</c> (0 when the delay is longer than the spread).</summary>
    public required long FiredBeforeResolve { get; init; }

    public required long Fired { get; init; }

    public required long OrderViolations { get; init; }

    public required long Duplicates { get; init; }

    public required long WrongDue { get; init; }

    public required long UnknownUsers { get; init; }

    public required TriggerCounts Counts { get; init; }

    public required MemorySnapshot AfterSchedule { get; init; }

    public required MemorySnapshot AfterResolve { get; init; }

    public required long PeakWorkingSetBytes { get; init; }

    public required long DiskBytesAfterStop { get; init; }

    public required long StoreMemoryBudgetBytes { get; init; }

    public double SchedulePerSecond => Options.Timers / ScheduleSeconds;

    public double ResolvePerSecond => Fired / ResolveSeconds;

    public bool Passed => Fired == Options.Timers && OrderViolations == 0 && Duplicates == 0 && WrongDue == 0 && UnknownUsers == 0;

    public void WriteSummary(TextWriter output)
    {
        var o = Options;
        Line(output, "Timers", $"{o.Timers:N0} ({o.Shards} shards, batches of {o.BatchSize:N0}, events over {o.SpreadHours} h, delay {o.DelayHours} h, store memory budget {Mib(StoreMemoryBudgetBytes)})");
        Line(output, "Schedule (ingest + apply)", $"{ScheduleSeconds:N2} s, {SchedulePerSecond:N0} timers/s");
        Line(output, "Resolve (CompleteReplayAsync)", $"{ResolveSeconds:N2} s, {ResolvePerSecond:N0} timers/s");
        Line(output, "Stop (drain + checkpoint)", $"{StopSeconds:N2} s");
        Line(output, "Fired", $"{Fired:N0} of {o.Timers:N0}{(Fired == o.Timers ? string.Empty : "  MISMATCH")} ({FiredBeforeResolve:N0} before the resolve)");
        Line(output, "Order violations", $"{OrderViolations:N0}");
        Line(output, "Duplicates / wrong due / unknown", $"{Duplicates:N0} / {WrongDue:N0} / {UnknownUsers:N0}");
        Line(output, "Trigger counts", $"entered {Counts.Entered:N0}, restarted {Counts.Restarted:N0}, cancelled {Counts.Cancelled:N0}, suppressed {Counts.Suppressed:N0}, fired {Counts.Fired:N0}");
        Line(output, "Peak working set", Mib(PeakWorkingSetBytes));
        Snapshot(output, "After schedule", AfterSchedule);
        Snapshot(output, "After resolve", AfterResolve);
        Line(output, "Disk after stop (checkpointed)", Mib(DiskBytesAfterStop));
        Line(output, "Result", Passed ? "PASS" : "FAIL");
    }

    /// <summary>Writes the result as one JSON object (the keys are stable: scripts read them).</summary>
    public void WriteJson(Stream output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteNumber("timers", Options.Timers);
        writer.WriteNumber("shards", Options.Shards);
        writer.WriteNumber("batch", Options.BatchSize);
        writer.WriteNumber("spread_hours", Options.SpreadHours);
        writer.WriteNumber("delay_hours", Options.DelayHours);
        writer.WriteNumber("store_memory_budget_bytes", StoreMemoryBudgetBytes);
        writer.WriteNumber("schedule_seconds", Math.Round(ScheduleSeconds, 3));
        writer.WriteNumber("schedule_timers_per_second", Math.Round(SchedulePerSecond));
        writer.WriteNumber("resolve_seconds", Math.Round(ResolveSeconds, 3));
        writer.WriteNumber("resolve_timers_per_second", Math.Round(ResolvePerSecond));
        writer.WriteNumber("stop_seconds", Math.Round(StopSeconds, 3));
        writer.WriteNumber("fired", Fired);
        writer.WriteNumber("fired_before_resolve", FiredBeforeResolve);
        writer.WriteNumber("order_violations", OrderViolations);
        writer.WriteNumber("duplicates", Duplicates);
        writer.WriteNumber("wrong_due", WrongDue);
        writer.WriteNumber("unknown_users", UnknownUsers);
        writer.WriteStartObject("trigger_counts");
        writer.WriteNumber("entered", Counts.Entered);
        writer.WriteNumber("restarted", Counts.Restarted);
        writer.WriteNumber("cancelled", Counts.Cancelled);
        writer.WriteNumber("suppressed", Counts.Suppressed);
        writer.WriteNumber("fired", Counts.Fired);
        writer.WriteEndObject();
        writer.WriteNumber("peak_working_set_bytes", PeakWorkingSetBytes);
        AfterSchedule.Write(writer, "after_schedule");
        AfterResolve.Write(writer, "after_resolve");
        writer.WriteNumber("disk_bytes_after_stop", DiskBytesAfterStop);
        writer.WriteBoolean("passed", Passed);
        writer.WriteEndObject();
    }

    private static void Snapshot(TextWriter output, string name, MemorySnapshot snapshot)
    {
        Line(output, name, $"working set {Mib(snapshot.WorkingSetBytes)}, GC heap {Mib(snapshot.GcTotalMemoryBytes)} "
            + $"(heap size {Mib(snapshot.GcHeapSizeBytes)}, committed {Mib(snapshot.GcCommittedBytes)}), "
            + $"gen2 collections {snapshot.Gen2Collections:N0}, disk {Mib(snapshot.DiskBytes)}");
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):N1} MiB");

    private static void Line(TextWriter output, string name, FormattableString value) => Line(output, name, value.ToString(CultureInfo.InvariantCulture));

    private static void Line(TextWriter output, string name, string value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34} {value}"));
}
