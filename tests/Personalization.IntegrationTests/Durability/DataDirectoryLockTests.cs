using System.Globalization;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Durability;

/// <summary>
/// Two Replay processes on one store: the second is refused while the first runs, with the directory and the first
/// process's id in its error, and cannot empty the store with --fresh either; once the first is killed, the store
/// opens again.
/// </summary>
[Category("Crash")]
[NonParallelizable]
public class DataDirectoryLockTests
{
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(2);

    [Test]
    [CancelAfter(240_000)]
    public async Task A_second_process_on_a_store_in_use_is_refused_with_the_holder_and_opens_it_once_the_holder_is_killed()
    {
        var cancellation = TestContext.CurrentContext.CancellationToken;
        using var directory = new TempDirectory();
        var store = directory.Combine("c");

        // Long enough to outlive the test's second process: it is killed once that one has been refused.
        await using var first = ReplayProcess.Start(["--events", "5000000", "--users", "50000", "--no-delivery", "--store", store, "--fresh", "--verbose"]);
        var started = await first.WaitForLineAsync(line => line.Contains("Personalization pipeline started", StringComparison.Ordinal), s_runTimeout, cancellation);
        Assert.That(started, Is.Not.Null, $"the first replay ended before its pipeline started:\n{first.Stderr}");
        Assert.That(File.ReadAllText(Path.Combine(store, "personalization.pid")).Trim(), Is.EqualTo(first.Id.ToString(CultureInfo.InvariantCulture)));

        string[] second = ["--events", "1000", "--users", "100", "--no-delivery", "--store", store, "--json"];
        await using (var refused = ReplayProcess.Start(second))
        {
            var exitCode = await refused.WaitForExitAsync(s_runTimeout, cancellation);
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Not.Zero, "the second replay ran on a store in use");
                Assert.That(refused.Stderr, Does.Contain($"The data directory '{store}' is in use by process {first.Id}"));
                Assert.That(first.HasExited, Is.False, "the first replay did not survive the second one's attempt");
            });
            TestContext.Progress.WriteLine($"lock test: the second replay exited with {exitCode}: {refused.Stderr.Split('\n').Last()}");
        }

        await using (var wiping = ReplayProcess.Start([.. second, "--fresh"]))
        {
            var exitCode = await wiping.WaitForExitAsync(s_runTimeout, cancellation);
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Not.Zero, "--fresh emptied a store in use");
                Assert.That(wiping.Stderr, Does.Contain($"'{store}' is in use by process {first.Id}"));
                Assert.That(Directory.Exists(Path.Combine(store, "store")), Is.True, "--fresh deleted the running replay's store");
            });
        }

        Assert.That(await first.KillAsync(), Is.Not.Zero);
        await using var after = ReplayProcess.Start(second);
        var afterExit = await after.WaitForExitAsync(s_runTimeout, cancellation);
        Assert.That(afterExit, Is.Zero, $"the store did not open after its holder was killed:\n{after.Stderr}");
        Assert.That(after.JsonResult().GetProperty("events_read").GetInt64(), Is.EqualTo(1000));
    }
}
