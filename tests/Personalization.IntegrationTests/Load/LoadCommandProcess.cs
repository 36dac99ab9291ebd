using System.Diagnostics;
using System.Reflection;

namespace Personalization.IntegrationTests.Load;

/// <summary>
/// Runs the benchmarks' <c>load</c> command as a child process (<c>dotnet Personalization.Benchmarks.dll load ...</c>)
/// and keeps its exit code, stdout and stderr. The test project references the benchmarks project without its
/// assembly, so that <c>dotnet test</c> builds it in the same configuration and target framework as the tests.
/// </summary>
internal static class LoadCommandProcess
{
    private const string Project = "Personalization.Benchmarks";

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(BenchmarksDll());
        info.ArgumentList.Add("load");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the load command.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The load command did not finish within {timeout}. Its stderr:\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string BenchmarksDll()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDirectory.Name;
        var configuration = typeof(LoadCommandProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var directory = testDirectory; directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Personalization.Core.sln")))
            {
                continue;
            }

            var dll = Path.Combine(directory.FullName, "benchmarks", Project, "bin", configuration, framework, Project + ".dll");
            return File.Exists(dll)
                ? dll
                : throw new FileNotFoundException($"The benchmarks are not built at '{dll}'; build the solution in {configuration}.", dll);
        }

        throw new DirectoryNotFoundException($"No Personalization.Core.sln above '{testDirectory.FullName}'.");
    }
}
