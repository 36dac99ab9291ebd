using System.Diagnostics;
using System.Text.Json;
using Personalization.Events;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// What a child process of the <c>load</c> command does: makes the traffic, starts one system, runs the closed and
/// the open loop on it, and writes its part of the report as one JSON object.
/// </summary>
internal static class SystemMeasurement
{
    public static async Task WriteAsync(string system, LoadOptions options, Stream output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        if (system == SystemNames.Redis && RedisServer.FindExecutable() is null)
        {
            writer.WriteString("skipped", "redis-server is not installed");
        }
        else
        {
            await MeasureAsync(system, options, writer);
        }

        writer.WriteEndObject();
        await writer.FlushAsync();
    }

    private static async Task MeasureAsync(string system, LoadOptions options, Utf8JsonWriter writer)
    {
        Progress(system, $"making {options.Events:N0} events for {options.Users:N0} users (seed {options.Seed}) ...");
        var traffic = new LoadTraffic(options.Users, options.Seed, TimeProvider.System.GetUtcNow());
        SegmentEvent[]? events = traffic.Next(options.Events);
        GC.Collect();
        var workingSetBefore = WorkingSetMb();

        RedisServer? redis = null;
        if (system == SystemNames.Redis)
        {
            redis = await RedisServer.StartAsync(RedisServer.FindExecutable()!);
        }

        try
        {
            await using var target = await StartAsync(system, options, redis);
            Progress(system, $"closed loop: {options.Producers} producers, {options.BatchSize:N0} events per call ...");
            var closed = await LoadRunner.ClosedLoopAsync(target, events, options);
            events = null;
            Progress(system, $"closed loop: {closed.EventsPerSecond:N0} events/s over {closed.Seconds:N1} s, {closed.AllocatedBytesPerEvent:N0} B/event");

            var rate = closed.EventsPerSecond * options.OpenLoopRate;
            var openEvents = traffic.Next(Math.Max(1, (long)(rate * options.OpenLoopSeconds)));
            GC.Collect();
            Progress(system, $"open loop: {rate:N0} events/s offered for {options.OpenLoopSeconds:N0} s ...");
            var open = await LoadRunner.OpenLoopAsync(target, openEvents, rate, options);
            Progress(system, $"open loop: p50 {open.Latency.P50:N2} ms, p99 {open.Latency.P99:N2} ms, p99.9 {open.Latency.P999:N2} ms");

            using var process = Process.GetCurrentProcess();
            WriteResult(writer, closed, open, process.PeakWorkingSet64 / 1048576.0, workingSetBefore, target);
        }
        finally
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
        }
    }

    private static async Task<ISystemUnderTest> StartAsync(string system, LoadOptions options, RedisServer? redis) => system switch
    {
        SystemNames.Personalization => await PersonalizationSystem.StartAsync(),
        SystemNames.Dataflow => new DataflowBaseline(),
        _ => RedisBaseline.Create(options.RedisShards, redis!.Connection, redis.Version),
    };

    private static void WriteResult(Utf8JsonWriter writer, ClosedLoopResult closed, OpenLoopResult open, double peakWorkingSetMb,
        double workingSetBeforeMb, ISystemUnderTest target)
    {
        writer.WriteNumber("events_per_second", Math.Round(closed.EventsPerSecond));
        writer.WriteNumber("p50_ms", Math.Round(open.Latency.P50, 3));
        writer.WriteNumber("p99_ms", Math.Round(open.Latency.P99, 3));
        writer.WriteNumber("p999_ms", Math.Round(open.Latency.P999, 3));
        writer.WriteNumber("allocated_bytes_per_event", Math.Round(closed.AllocatedBytesPerEvent));
        writer.WriteNumber("peak_working_set_mb", Math.Round(peakWorkingSetMb, 1));
        writer.WriteNumber("working_set_before_start_mb", Math.Round(workingSetBeforeMb, 1));

        writer.WriteStartObject("closed_loop");
        writer.WriteNumber("events", closed.Events);
        writer.WriteNumber("seconds", Math.Round(closed.Seconds, 2));
        // The rest is of the steady part, after the warm-up.
        writer.WriteNumber("steady_events", closed.SteadyEvents);
        writer.WriteNumber("cpu_seconds", Math.Round(closed.CpuSeconds, 2));
        writer.WriteNumber("cpu_us_per_event", Math.Round(closed.CpuSeconds * 1e6 / Math.Max(1, closed.SteadyEvents), 2));
        closed.Gc.Write(writer);
        writer.WriteEndObject();

        writer.WriteStartObject("open_loop");
        writer.WriteNumber("events", open.Events);
        writer.WriteNumber("offered_events_per_second", Math.Round(open.OfferedEventsPerSecond));
        writer.WriteNumber("achieved_events_per_second", Math.Round(open.AchievedEventsPerSecond));
        writer.WriteNumber("seconds", Math.Round(open.Seconds, 2));
        writer.WriteNumber("latency_samples", open.Latency.Count);
        writer.WriteNumber("max_ms", Math.Round(open.Latency.Max, 3));
        open.Gc.Write(writer);
        writer.WriteEndObject();

        writer.WriteStartObject("decisions");
        foreach (var (trigger, count) in target.Decisions)
        {
            writer.WriteNumber(trigger, count);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("setup");
        foreach (var (name, value) in target.Setup)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
    }

    private static double WorkingSetMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }

    /// <summary>Progress goes to stderr, so that stdout carries only the JSON.</summary>
    public static void Progress(string system, string message) => Console.Error.WriteLine($"[{system}] {message}");
}
