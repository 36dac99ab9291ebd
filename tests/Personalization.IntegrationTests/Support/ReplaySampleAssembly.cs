using System.Reflection;

namespace Personalization.IntegrationTests.Support;

/// <summary>
/// Finds the Replay sample's built dll: the test project references the sample (without its assembly) so that
/// <c>dotnet test</c> builds it, in the same configuration and target framework as the tests.
/// </summary>
internal static class ReplaySampleAssembly
{
    private const string Project = "Personalization.Samples.Replay";

    private static readonly Lazy<string> s_path = new(Find);

    /// <summary>The full path of <c>Personalization.Samples.Replay.dll</c>.</summary>
    public static string Path => s_path.Value;

    private static string Find()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var framework = testDirectory.Name;
        var configuration = typeof(ReplaySampleAssembly).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var directory = testDirectory; directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(directory.FullName, "Personalization.Core.sln")))
            {
                continue;
            }

            var dll = System.IO.Path.Combine(directory.FullName, "samples", Project, "bin", configuration, framework, Project + ".dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException(
                    $"The Replay sample is not built at '{dll}'; build the solution (or the test project, which references it) in {configuration}.", dll);
            }

            return dll;
        }

        throw new DirectoryNotFoundException($"No Personalization.Core.sln above '{testDirectory.FullName}': the Replay sample cannot be found.");
    }
}
