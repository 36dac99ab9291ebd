using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Durability;

/// <summary>
/// The Replay sample as a real child process, killed with <c>SIGKILL</c> and rerun on the same store until it
/// finishes: the store (profiles, pending triggers) and the emails an SMTP server received must be those of one
/// uninterrupted run over the same input. Only resends of emails in flight at a kill are allowed, with their
/// Message-ID.
/// </summary>
[Category("Crash")]
[NonParallelizable]
public class ReplayCrashTests
{
    // The Replay sample's delivery MaxConcurrency: at most this many sends are in flight when a kill comes.
    private const int SendsInFlight = 16;

    private const string CheckpointTaken = "Checkpoint taken at ingest log address";

    // The Replay's progress line once every event is in (with --keep-timers).
    private const string EndPhase = "replay: Flushing the replay";

    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(3);

    [Test]
    [CancelAfter(360_000)]
    public async Task After_six_SIGKILLs_at_random_moments_the_rerun_store_and_sends_equal_an_uninterrupted_run()
    {
        const int Kills = 6;
        var seed = Seed(20_261_129);
        var random = new Random(seed);
        var cancellation = TestContext.CurrentContext.CancellationToken;
        using var directory = new TempDirectory();
        await using var serverA = await LoopbackSmtpServer.StartAsync();
        await using var serverB = await LoopbackSmtpServer.StartAsync();
        var input = new[] { "--events", "200000", "--users", "20000", "--seed", "11" };
        TestContext.Progress.WriteLine($"crash test: kill moments seeded with {seed} (set PERSONALIZATION_CRASH_SEED to repeat a run)");

        var uninterrupted = ReplayDumpFiles.In(directory, "a");
        var resultA = await RunToEndAsync("uninterrupted", Arguments(input, directory.Combine("a"), serverA, fresh: true, uninterrupted), cancellation);

        var storeB = directory.Combine("b");
        var killedAt = new List<int>();
        for (var kill = 0; kill < Kills; kill++)
        {
            await using var run = ReplayProcess.Start(Arguments(input, storeB, serverB, fresh: kill == 0, dumps: null));
            var started = Stopwatch.GetTimestamp();

            // The first kills come a random moment after a checkpoint of their run, so each one finds more of the
            // input applied than the one before; the last one as the run ends (the flush, the last sends, the stop).
            var last = kill == Kills - 1;
            var mark = last ? EndPhase : CheckpointTaken;
            var line = await run.WaitForLineAsync(text => text.Contains(mark, StringComparison.Ordinal), s_runTimeout, cancellation);
            Assert.That(line, Is.Not.Null, $"kill {kill + 1}: the replay ended before '{mark}':\n{run.Stderr}");
            var delay = TimeSpan.FromMilliseconds(last ? random.Next(0, 200) : random.Next(0, 4000));
            await Task.Delay(delay, cancellation);
            var exitCode = await run.KillAsync();
            killedAt.Add(serverB.Received.Count);
            TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"crash test: kill {kill + 1} after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s ({delay.TotalMilliseconds:F0} ms after '{mark}'), exit {exitCode}; {Recovery(run.Stderr)}; {serverB.Received.Count:N0} emails received so far"));
            Assert.Multiple(() =>
            {
                Assert.That(run.Killed, Is.True, $"kill {kill + 1}: the replay had already ended on its own:\n{run.Stderr}");
                Assert.That(exitCode, Is.Not.Zero, $"kill {kill + 1}: the killed replay exited with 0");
            });
        }

        var afterCrashes = ReplayDumpFiles.In(directory, "b");
        var resultB = await RunToEndAsync("rerun after the kills", Arguments(input, storeB, serverB, fresh: false, afterCrashes), cancellation);

        ReplayComparison.AssertSameDumps(uninterrupted, afterCrashes);
        TestContext.Progress.WriteLine($"crash test: {serverA.Received.Count:N0} emails uninterrupted, {serverB.Received.Count:N0} with the kills; "
            + ReplayComparison.RepeatsByKill(serverB, killedAt));
        ReplayComparison.AssertSameSends(serverA, serverB, Kills * SendsInFlight, killedAt, uninterrupted.FailedSendKeys(), afterCrashes.FailedSendKeys());
        Assert.Multiple(() =>
        {
            Assert.That(resultB.GetProperty("recovered").GetBoolean(), Is.True, "the last run did not recover the killed runs' store");
            Assert.That(resultB.GetProperty("events_duplicate").GetInt64(), Is.GreaterThan(resultA.GetProperty("events_duplicate").GetInt64()),
                "the last run found no more duplicates than the generator's own retries: it did not rerun over applied events");
            Assert.That(resultB.GetProperty("profiles").GetInt64(), Is.EqualTo(resultA.GetProperty("profiles").GetInt64()));
        });
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task Killed_while_a_checkpoint_is_being_written_the_rerun_store_and_sends_equal_an_uninterrupted_run()
    {
        const int Kills = 3;
        var cancellation = TestContext.CurrentContext.CancellationToken;
        using var directory = new TempDirectory();
        await using var serverA = await LoopbackSmtpServer.StartAsync();
        await using var serverB = await LoopbackSmtpServer.StartAsync();
        var input = new[] { "--events", "100000", "--users", "10000", "--seed", "12" };

        var uninterrupted = ReplayDumpFiles.In(directory, "a");
        await RunToEndAsync("uninterrupted", Arguments(input, directory.Combine("a"), serverA, fresh: true, uninterrupted), cancellation);

        var storeB = directory.Combine("b");
        var checkpoints = new CheckpointFolders(storeB);
        var killedMidCheckpoint = 0;
        var killedAt = new List<int>();
        for (var kill = 0; kill < Kills; kill++)
        {
            // The first run is killed as its first checkpoint starts, the next ones at their second and third.
            var known = checkpoints.Snapshot();
            await using var run = ReplayProcess.Start(Arguments(input, storeB, serverB, fresh: kill == 0, dumps: null));
            var started = Stopwatch.GetTimestamp();
            string? folder = null;
            for (var seen = 0; seen <= kill; seen++)
            {
                folder = await checkpoints.WaitForNewAsync(known, run, s_runTimeout, cancellation);
                Assert.That(folder, Is.Not.Null, $"kill {kill + 1}: the replay ended before checkpoint {seen + 1}:\n{run.Stderr}");
                known.Add(folder!);
            }

            var exitCode = await run.KillAsync();
            killedAt.Add(serverB.Received.Count);

            // The run logs each checkpoint once it stands: with only the earlier ones logged, the kill hit this one.
            var completedAfter = CountCheckpointLines(run.Stderr);
            var midCheckpoint = completedAfter == kill;
            killedMidCheckpoint += midCheckpoint ? 1 : 0;
            TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"checkpoint test: kill {kill + 1} after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s as '{folder}' appeared, exit {exitCode}; {completedAfter} checkpoints of this run completed ({(midCheckpoint ? "killed mid-checkpoint" : "the checkpoint completed before the kill landed")}); {Recovery(run.Stderr)}"));
            Assert.That(exitCode, Is.Not.Zero, $"kill {kill + 1}: the killed replay exited with 0");
        }

        var afterCrashes = ReplayDumpFiles.In(directory, "b");
        var resultB = await RunToEndAsync("rerun after the kills", Arguments(input, storeB, serverB, fresh: false, afterCrashes), cancellation);

        TestContext.Progress.WriteLine($"checkpoint test: {serverA.Received.Count:N0} emails uninterrupted, {serverB.Received.Count:N0} with the kills; "
            + ReplayComparison.RepeatsByKill(serverB, killedAt));
        ReplayComparison.AssertSameDumps(uninterrupted, afterCrashes);
        ReplayComparison.AssertSameSends(serverA, serverB, Kills * SendsInFlight, killedAt, uninterrupted.FailedSendKeys(), afterCrashes.FailedSendKeys());
        Assert.Multiple(() =>
        {
            Assert.That(killedMidCheckpoint, Is.GreaterThan(0), "no kill landed while a checkpoint was being written: the test proved nothing");
            Assert.That(resultB.GetProperty("events_duplicate").GetInt64(), Is.GreaterThan(0));
        });
    }

    internal static IEnumerable<string> Arguments(string[] input, string store, LoopbackSmtpServer server, bool fresh, ReplayDumpFiles? dumps)
    {
        string[] common =
        [
            .. input, "--store", store, "--keep-timers", "--checkpoint-interval", "00:00:01",
            "--smtp", $"{server.Host}:{server.Port}", "--email-domain", "example.test", "--json", "--verbose",
        ];
        return [.. common, .. fresh ? ["--fresh"] : Array.Empty<string>(), .. dumps?.Arguments() ?? []];
    }

    private static async Task<JsonElement> RunToEndAsync(string name, IEnumerable<string> arguments, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        await using var run = ReplayProcess.Start(arguments);
        var exitCode = await run.WaitForExitAsync(s_runTimeout, cancellation);
        Assert.That(exitCode, Is.Zero, $"the {name} replay failed:\n{run.Stderr}");
        var result = run.JsonResult();
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s, {result.GetProperty("events_accepted").GetInt64():N0} accepted, {result.GetProperty("events_duplicate").GetInt64():N0} duplicate, {result.GetProperty("profiles").GetInt64():N0} profiles, {result.GetProperty("pending_triggers").GetInt64():N0} pending triggers, {result.GetProperty("emails_sent").GetInt64():N0} emails sent ({result.GetProperty("emails_failed").GetInt64():N0} failed, {result.GetProperty("emails_retried").GetInt64():N0} retried); recovered {result.GetProperty("recovered").GetBoolean()}, {result.GetProperty("recovery_replayed").GetInt64():N0} log entries replayed"));
        return result;
    }

    private static int CountCheckpointLines(string stderr) =>
        stderr.Split('\n').Count(line => line.Contains(CheckpointTaken, StringComparison.Ordinal));

    // What the run's start said about recovery, for the progress output.
    private static string Recovery(string stderr)
    {
        var lines = stderr.Split('\n');
        var recovered = lines.Any(line => line.Contains("store recovered from its checkpoint", StringComparison.Ordinal));
        var replayed = lines.LastOrDefault(line => line.Contains("log entries replayed and applied", StringComparison.Ordinal));
        var replayedText = replayed is null ? "recovery not finished" : replayed[(replayed.IndexOf("Recovery:", StringComparison.Ordinal) + 10)..].TrimEnd('.');
        return $"started from {(recovered ? "a checkpoint" : "a new store")}, {replayedText}";
    }

    private static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PERSONALIZATION_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed : fallback;
}
