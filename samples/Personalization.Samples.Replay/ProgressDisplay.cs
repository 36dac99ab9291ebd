using Spectre.Console;

namespace Personalization.Samples.Replay;

/// <summary>
/// Shows progress on stderr: a live Spectre.Console bar on a terminal, a few plain lines otherwise (CI, pipes), so
/// stdout stays free for the summary or the JSON result.
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(string description, Func<IReplayProgress, Task<T>> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected || !console.Profile.Capabilities.Interactive || !console.Profile.Capabilities.Ansi)
        {
            return await work(new PlainProgress(description));
        }

        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape("Replaying"), maxValue: 1000);
                console.MarkupLine($"[grey]{Markup.Escape(description)}[/]");
                var result = await work(new LiveProgress(task));
                task.Value = task.MaxValue;
                task.Description = "Done";
                return result;
            });
    }

    private sealed class LiveProgress(ProgressTask task) : IReplayProgress
    {
        private readonly RateMeter _rate = new();

        public void Report(long read, double fraction)
        {
            task.Value = fraction * task.MaxValue;
            task.Description = Markup.Escape($"{read:N0} events, {_rate.PerSecond(read):N0}/s");
        }

        public void Phase(string description)
        {
            task.Value = task.MaxValue;
            task.Description = Markup.Escape(description);
        }
    }

    // Without a terminal: a line at every tenth of the input, so logs stay short.
    private sealed class PlainProgress : IReplayProgress
    {
        private readonly RateMeter _rate = new();
        private int _lastTenth;

        public PlainProgress(string description) => Console.Error.WriteLine($"replay: {description}");

        public void Report(long read, double fraction)
        {
            var tenth = (int)(fraction * 10);
            if (tenth <= _lastTenth)
            {
                return;
            }

            _lastTenth = tenth;
            Console.Error.WriteLine($"replay: {tenth * 10,3}%  {read:N0} events read, {_rate.PerSecond(read):N0} events/s");
        }

        public void Phase(string description) => Console.Error.WriteLine($"replay: {description}");
    }

    private sealed class RateMeter
    {
        private readonly long _start = System.Diagnostics.Stopwatch.GetTimestamp();

        public double PerSecond(long count)
        {
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_start).TotalSeconds;
            return seconds > 0 ? count / seconds : 0;
        }
    }
}
