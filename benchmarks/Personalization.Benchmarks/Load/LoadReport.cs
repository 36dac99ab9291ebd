using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// The merged result of the <c>load</c> command: each system's part as its child wrote it, the engine's ratios to the
/// baselines, the machine and the options.
/// </summary>
internal sealed class LoadReport(LoadOptions options)
{
    private readonly Dictionary<string, JsonElement> _parts = new(StringComparer.Ordinal);
    private readonly string _loadAverageAtStart = LoadAverage();

    public bool AnyFailed => _parts.Values.Any(part => part.TryGetProperty("failed", out _));

    public void Add(string system, JsonElement part) => _parts[system] = part;

    /// <summary>A number of a measured system's part, or <see langword="null"/> when it was skipped or failed.</summary>
    public double? Figure(string system, string name) =>
        _parts.TryGetValue(system, out var part) && part.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        WritePart(writer, SystemNames.Personalization);
        writer.WriteStartObject("baselines");
        WritePart(writer, SystemNames.Dataflow);
        WritePart(writer, SystemNames.Redis);
        writer.WriteEndObject();

        writer.WriteStartObject("ratios");
        foreach (var baseline in new[] { SystemNames.Dataflow, SystemNames.Redis })
        {
            WriteRatio(writer, $"throughput_vs_{baseline}", "events_per_second", baseline);
            WriteRatio(writer, $"p99_vs_{baseline}", "p99_ms", baseline);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("machine");
        writer.WriteNumber("processors", Environment.ProcessorCount);
        writer.WriteString("cpu", CpuModel());
        writer.WriteString("os", RuntimeInformation.OSDescription);
        writer.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        writer.WriteString("load_average_at_start", _loadAverageAtStart);
        writer.WriteString("load_average_at_end", LoadAverage());
        writer.WriteEndObject();
        writer.WriteStartObject("options");
        writer.WriteNumber("events", options.Events);
        writer.WriteNumber("users", options.Users);
        writer.WriteNumber("batch", options.BatchSize);
        writer.WriteNumber("producers", options.Producers);
        writer.WriteNumber("open_loop_seconds", options.OpenLoopSeconds);
        writer.WriteNumber("open_loop_rate", options.OpenLoopRate);
        writer.WriteNumber("seed", options.Seed);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public void WriteTable(TextWriter output)
    {
        output.WriteLine($"{"system",-16} {"events/s",12} {"p50 ms",9} {"p99 ms",9} {"p99.9 ms",9} {"B/event",9} {"peak MB",9}");
        foreach (var system in LoadOptions.AllSystems)
        {
            if (!_parts.TryGetValue(system, out var part))
            {
                continue;
            }

            if (Figure(system, "events_per_second") is null)
            {
                var reason = part.TryGetProperty("skipped", out var skipped) ? "skipped: " + skipped.GetString()
                    : part.TryGetProperty("failed", out var failed) ? "failed: " + failed.GetString() : "no figures";
                output.WriteLine($"{system,-16} {reason}");
                continue;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{system,-16} {Figure(system, "events_per_second"),12:N0} {Figure(system, "p50_ms"),9:N2} {Figure(system, "p99_ms"),9:N2} {Figure(system, "p999_ms"),9:N2} {Figure(system, "allocated_bytes_per_event"),9:N0} {Figure(system, "peak_working_set_mb"),9:N0}"));
        }
    }

    private void WritePart(Utf8JsonWriter writer, string system)
    {
        if (_parts.TryGetValue(system, out var part))
        {
            writer.WritePropertyName(system);
            part.WriteTo(writer);
            return;
        }

        writer.WriteStartObject(system);
        writer.WriteString("skipped", "not selected (--systems)");
        writer.WriteEndObject();
    }

    private void WriteRatio(Utf8JsonWriter writer, string name, string figure, string baseline)
    {
        if (Figure(SystemNames.Personalization, figure) is { } engine && Figure(baseline, figure) is { } other && other > 0)
        {
            writer.WriteNumber(name, Math.Round(engine / other, 3));
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
