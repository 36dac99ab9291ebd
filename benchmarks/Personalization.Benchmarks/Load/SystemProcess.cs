using System.Diagnostics;
using System.Text.Json;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// Runs one system's measurement in a fresh child process of this program (<c>load --system NAME</c>), so that peak
/// working set, GC state and JIT warmth are its own. The child's progress (stderr) goes straight to ours.
/// </summary>
internal static class SystemProcess
{
    public static async Task<JsonElement> MeasureAsync(string system, LoadOptions options)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        if (Path.GetFileNameWithoutExtension(info.FileName) == "dotnet")
        {
            // Started as "dotnet Personalization.Benchmarks.dll": the child needs the dll too.
            info.ArgumentList.Add(typeof(SystemProcess).Assembly.Location);
        }

        foreach (var argument in options.ChildArguments(system))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start the child for {system}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var limit = TimeSpan.FromSeconds(300 + options.MaxClosedSeconds + (3 * options.OpenLoopSeconds));
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return Failure($"the child did not finish within {limit.TotalSeconds:N0} s");
        }

        var text = await stdout;
        if (process.ExitCode != 0)
        {
            return Failure($"the child exited with code {process.ExitCode}");
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return Failure($"the child's output is not JSON: {exception.Message}");
        }
    }

    private static JsonElement Failure(string message)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { ["failed"] = message }));
        return document.RootElement.Clone();
    }
}
