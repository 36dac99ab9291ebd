using System.Text.Json;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// The <c>load</c> command: measures each system in its own child process and merges the parts into one report
/// (JSON or a table), with an optional chart. With <c>--system</c> it is such a child.
/// </summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = LoadOptions.TryParse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"load: {error}\n\n{LoadOptions.Usage}");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(LoadOptions.Usage);
            return 0;
        }

        if (options.System is { } system)
        {
            using var stdout = Console.OpenStandardOutput();
            await SystemMeasurement.WriteAsync(system, options, stdout);
            stdout.WriteByte((byte)'\n');
            return 0;
        }

        var report = new LoadReport(options);
        foreach (var name in options.Systems)
        {
            SystemMeasurement.Progress(name, "starting a child process ...");
            report.Add(name, await SystemProcess.MeasureAsync(name, options));
        }

        if (options.ChartPath is { } chartPath)
        {
            LoadChart.Write(chartPath, report);
            await Console.Error.WriteLineAsync($"chart: {Path.GetFullPath(chartPath)}");
        }

        if (options.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                report.WriteJson(writer);
            }

            stdout.WriteByte((byte)'\n');
        }
        else
        {
            report.WriteTable(Console.Out);
        }

        return report.AnyFailed ? 1 : 0;
    }
}
