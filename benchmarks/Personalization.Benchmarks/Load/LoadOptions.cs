using System.Globalization;

namespace Personalization.Benchmarks.Load;

/// <summary>The command line of the <c>load</c> command.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        Drives the whole pipeline (every stage, GroupCommit durability, the five built-in triggers, a counting send
        sink) and two baselines with the same generated shop traffic, and reports for each: the maximum sustained
        throughput (closed loop), the latency from the ingest call to the trigger decision at a fraction of that
        maximum (open loop, HdrHistogram), allocated bytes per event and peak working set. Each system runs in a fresh
        child process of this program, so that its peak working set is its own.

          personalization  this engine, with its data directory in a temporary folder
          dataflow         TPL Dataflow blocks, ConcurrentDictionary profiles, a System.Threading.Timer per pending
                           trigger, nothing on disk
          redis            the same blocks and timers, profiles read and written in a local redis-server (started on a
                           free loopback port when redis-server is on PATH, reported as skipped when it is not)

        Usage: dotnet run -c Release --project benchmarks/Personalization.Benchmarks -- load [options]

          --events N              events of the closed loop, the same for every system (default 1,000,000)
          --users N               distinct users of the traffic (default 100,000)
          --batch N               events per ingest call in the closed loop (default 1,000)
          --producers N           concurrent ingest callers in the closed loop (default 4)
          --max-closed-seconds S  stop a closed loop after S seconds and count what it did (default 60)
          --open-loop-seconds S   length of the open loop (default 15)
          --open-loop-rate F      offered rate of the open loop, as a fraction of the closed loop's (default 0.5)
          --systems LIST          comma-separated: personalization,dataflow,redis (default all three)
          --redis-shards N        concurrent read-modify-write workers of the Redis baseline (default 16)
          --seed N                the traffic's seed (default 42)
          --chart PATH            write a PNG chart of throughput and p99 latency per system to PATH
          --json                  print one JSON object on stdout (progress goes to stderr)
          --system NAME           measure NAME in this process and print its part as JSON (what the children run)
          --help                  show this help

        Exit codes: 0 measured, 1 a system failed, 2 bad arguments.
        """;

    public static readonly IReadOnlyList<string> AllSystems = [SystemNames.Personalization, SystemNames.Dataflow, SystemNames.Redis];

    public long Events { get; private set; } = 1_000_000;

    public int Users { get; private set; } = 100_000;

    public int BatchSize { get; private set; } = 1_000;

    public int Producers { get; private set; } = 4;

    public double MaxClosedSeconds { get; private set; } = 60;

    public double OpenLoopSeconds { get; private set; } = 15;

    public double OpenLoopRate { get; private set; } = 0.5;

    public IReadOnlyList<string> Systems { get; private set; } = AllSystems;

    public int RedisShards { get; private set; } = 16;

    public int Seed { get; private set; } = 42;

    public string? ChartPath { get; private set; }

    public bool Json { get; private set; }

    /// <summary>The one system to measure in this process (child mode), or <see langword="null"/> to run them all.</summary>
    public string? System { get; private set; }

    public bool Help { get; private set; }

    /// <summary>The arguments a child needs to measure <paramref name="system"/> with these options.</summary>
    public IReadOnlyList<string> ChildArguments(string system) =>
    [
        "load", "--system", system,
        "--events", Invariant(Events), "--users", Invariant(Users), "--batch", Invariant(BatchSize),
        "--producers", Invariant(Producers), "--max-closed-seconds", Invariant(MaxClosedSeconds),
        "--open-loop-seconds", Invariant(OpenLoopSeconds), "--open-loop-rate", Invariant(OpenLoopRate),
        "--redis-shards", Invariant(RedisShards), "--seed", Invariant(Seed),
    ];

    /// <summary>Parses <paramref name="args"/>; <paramref name="error"/> names every bad argument.</summary>
    public static LoadOptions? TryParse(IReadOnlyList<string> args, out string? error)
    {
        var options = new LoadOptions();
        var errors = new List<string>();
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
                case "--events":
                    options.Events = (long)Number(args, ref i, 1_000, 1_000_000_000, errors);
                    break;
                case "--users":
                    options.Users = (int)Number(args, ref i, 100, 100_000_000, errors);
                    break;
                case "--batch":
                    options.BatchSize = (int)Number(args, ref i, 1, 100_000, errors);
                    break;
                case "--producers":
                    options.Producers = (int)Number(args, ref i, 1, 256, errors);
                    break;
                case "--max-closed-seconds":
                    options.MaxClosedSeconds = Number(args, ref i, 1, 3_600, errors);
                    break;
                case "--open-loop-seconds":
                    options.OpenLoopSeconds = Number(args, ref i, 0.5, 3_600, errors);
                    break;
                case "--open-loop-rate":
                    options.OpenLoopRate = Number(args, ref i, 0.01, 1, errors);
                    break;
                case "--redis-shards":
                    options.RedisShards = (int)Number(args, ref i, 1, 1_024, errors);
                    break;
                case "--seed":
                    options.Seed = (int)Number(args, ref i, 0, int.MaxValue, errors);
                    break;
                case "--chart":
                    options.ChartPath = Text(args, ref i, errors);
                    break;
                case "--systems":
                    options.Systems = SystemList(Text(args, ref i, errors), errors);
                    break;
                case "--system":
                    options.System = Text(args, ref i, errors);
                    if (options.System is not null && !AllSystems.Contains(options.System))
                    {
                        errors.Add($"--system: unknown system '{options.System}' (known: {string.Join(", ", AllSystems)})");
                    }

                    break;
                default:
                    errors.Add($"unknown argument '{arg}'");
                    break;
            }
        }

        if (options.Users > options.Events)
        {
            errors.Add($"--users ({options.Users:N0}) cannot be more than --events ({options.Events:N0})");
        }

        error = errors.Count == 0 ? null : string.Join("\n", errors);
        return errors.Count == 0 ? options : null;
    }

    private static IReadOnlyList<string> SystemList(string? text, List<string> errors)
    {
        if (text is null)
        {
            return AllSystems;
        }

        var systems = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var system in systems)
        {
            if (!AllSystems.Contains(system))
            {
                errors.Add($"--systems: unknown system '{system}' (known: {string.Join(", ", AllSystems)})");
            }
        }

        if (systems.Length == 0)
        {
            errors.Add("--systems: name at least one system");
        }

        return systems;
    }

    private static string? Text(IReadOnlyList<string> args, ref int i, List<string> errors)
    {
        if (i + 1 >= args.Count)
        {
            errors.Add($"{args[i]} needs a value");
            return null;
        }

        return args[++i];
    }

    private static double Number(IReadOnlyList<string> args, ref int i, double min, double max, List<string> errors)
    {
        var name = args[i];
        var text = Text(args, ref i, errors);
        if (text is null)
        {
            return min;
        }

        var digits = text.Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add($"{name}: '{text}' is not a number between {min:N2} and {max:N0}");
            return min;
        }

        return value;
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
