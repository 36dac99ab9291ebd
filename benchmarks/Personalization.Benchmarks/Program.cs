using BenchmarkDotNet.Running;
using Personalization.Benchmarks.Timers;

namespace Personalization.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet micro benchmarks (<c>--filter '*'</c>, <c>--job short</c>, ...), or, with <c>load</c>
/// as the first argument, the end-to-end load harness, or, with <c>timers</c>, the timer-scale benchmark.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "load")
        {
            // The load harness (end-to-end throughput and latency with in-process baselines) is tracked in issue 7.
            await Console.Error.WriteLineAsync("the load harness is not built yet (issue 7)");
            return 2;
        }

        if (args.Length > 0 && args[0] == "timers")
        {
            return await TimerBenchmark.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
