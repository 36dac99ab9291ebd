using BenchmarkDotNet.Running;
using Personalization.Benchmarks.Load;
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
            return await LoadCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "timers")
        {
            return await TimerBenchmark.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
