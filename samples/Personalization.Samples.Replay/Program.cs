using System.Globalization;
using Spectre.Console;

namespace Personalization.Samples.Replay;

/// <summary>
/// The main job: replays shop traffic (generated, or from a Segment JSON Lines / REES46 CSV file) through the whole
/// pipeline and reports events per second, end-to-end latency percentiles and what was rejected and why.
/// Exit codes: 0 done, 2 the input or the options cannot be used, 1 the run failed, 130 interrupted.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (!ReplayOptions.TryParse(args, out var options, out var error))
        {
            return Fail(2, error);
        }

        if (options.Help)
        {
            Console.Out.WriteLine(ReplayOptions.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops reading; the events read so far are completed and reported.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };

        try
        {
            using var source = ReplaySource.Open(options);
            using var dump = OpenDump(options.DumpProfiles, "--dump-profiles");
            using var timerDump = OpenDump(options.DumpTimers, "--dump-timers");
            using var store = ReplayStore.Prepare(options);
            var result = await ProgressDisplay.RunAsync(source.Description,
                progress => ReplayRunner.RunAsync(options, source, store, new ReplayDumps(dump, timerDump), progress, cancel.Token));
            if (options.Json)
            {
                using var stdout = Console.OpenStandardOutput();
                ReplayReport.WriteJson(result, stdout);
            }
            else
            {
                ReplayReport.WriteSummary(result, AnsiConsole.Console);
            }

            return result.Interrupted ? 130 : 0;
        }
        catch (ReplayInputException ex)
        {
            return Fail(2, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Fail(1, $"the replay failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    // Opened before the run, so a path that cannot be written fails at once, not after the replay.
    private static FileStream? OpenDump(string? path, string option)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ReplayInputException($"cannot write {option} '{path}': {ex.Message}", ex);
        }
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"replay: error: {message}");
        return exitCode;
    }
}
