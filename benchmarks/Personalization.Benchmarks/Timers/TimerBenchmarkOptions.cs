using System.Globalization;

namespace Personalization.Benchmarks.Timers;

/// <summary>The command line of the <c>timers</c> benchmark.</summary>
internal sealed class TimerBenchmarkOptions
{
    public const string Usage = """
        Schedules N durable trigger timers through a real pipeline (event time, default store options), then resolves
        them all with CompleteReplayAsync, and reports the time, rate and memory of both phases.

        Usage: dotnet run -c Release --project benchmarks/Personalization.Benchmarks -- timers [options]

          --timers N        timers to schedule: one Started event for each of N distinct users (default 1,000,000)
          --batch N         events per IngestBatchAsync call (default 1,000)
          --spread HOURS    hours of event time the events span, in increasing order (default 4)
          --delay HOURS     the trigger's delay (default 6: longer than the spread, so no timer comes due while the
                            events are ingested and all N are pending at once)
          --shards N        enrich/trigger shards (default: the number of processors)
          --store-mib N     the store's memory budget in MiB, a power of two (default: StoreOptions' default, 256)
          --json            print one JSON object with the results
          --help            show this help
        """;

    public int Timers { get; private set; } = 1_000_000;

    public int BatchSize { get; private set; } = 1_000;

    public double SpreadHours { get; private set; } = 4;

    public double DelayHours { get; private set; } = 6;

    public int Shards { get; private set; } = Math.Min(Environment.ProcessorCount, 256);

    /// <summary>The store's memory budget, or <see langword="null"/> for the default.</summary>
    public long? StoreMemoryBytes { get; private set; }

    public bool Json { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/>; <paramref name="error"/> names the first bad argument.</summary>
    public static TimerBenchmarkOptions? TryParse(IReadOnlyList<string> args, out string? error)
    {
        var options = new TimerBenchmarkOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--json":
                    options.Json = true;
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                case "--timers":
                    options.Timers = (int)Number(args, ref i, 1, int.MaxValue, ref error);
                    break;
                case "--batch":
                    options.BatchSize = (int)Number(args, ref i, 1, 1_000_000, ref error);
                    break;
                case "--spread":
                    options.SpreadHours = Number(args, ref i, 0, 24 * 365, ref error);
                    break;
                case "--delay":
                    options.DelayHours = Number(args, ref i, 0, 24 * 365, ref error);
                    break;
                case "--store-mib":
                    options.StoreMemoryBytes = (long)Number(args, ref i, 16, 1 << 20, ref error) * 1024 * 1024;
                    break;
                case "--shards":
                    options.Shards = (int)Number(args, ref i, 1, 256, ref error);
                    break;
                default:
                    error = $"unknown argument '{arg}'";
                    break;
            }

            if (error is not null)
            {
                return null;
            }
        }

        return options;
    }

    private static double Number(IReadOnlyList<string> args, ref int i, double min, double max, ref string? error)
    {
        var name = args[i];
        if (i + 1 >= args.Count)
        {
            error = $"{name} needs a value";
            return 0;
        }

        var text = args[++i].Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{name} must be a number between {min} and {max}; it is '{args[i]}'");
            return 0;
        }

        return value;
    }
}
