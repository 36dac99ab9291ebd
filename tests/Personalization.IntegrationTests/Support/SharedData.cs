namespace Personalization.IntegrationTests.Support;

/// <summary>Finds the real event data in <c>shared/data</c>, beside the repository (never copied into it).</summary>
internal static class SharedData
{
    public const string Rees46Sample = "rees46-2019-oct-head.csv";

    /// <summary>The path of <paramref name="file"/> in the nearest <c>shared/data</c> above the test directory; the
    /// test is ignored (with the reason) when there is none.</summary>
    public static string Find(string file)
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Ignore($"shared/data/{file} was not found above {TestContext.CurrentContext.TestDirectory}; it is not part of the repository.");
        return null!;
    }
}
