using System.Text.Json;

namespace Personalization.IntegrationTests.Load;

/// <summary>
/// A few seconds of the <c>load</c> command, so that the harness cannot rot: it runs every system in a child process
/// and prints one JSON object with the figures of each (Redis measured when <c>redis-server</c> is installed, and
/// skipped with a reason when it is not).
/// </summary>
[TestFixture]
[Category("Load")]
public sealed class LoadSmokeTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    private static readonly string[] s_figures =
        ["events_per_second", "p50_ms", "p99_ms", "p999_ms", "allocated_bytes_per_event", "peak_working_set_mb"];

    [Test]
    public async Task A_short_load_run_reports_the_engine_and_both_baselines_as_one_json_object()
    {
        var chart = Path.Combine(Path.GetTempPath(), $"load-smoke-{Guid.NewGuid():N}.png");
        try
        {
            var (exitCode, stdout, stderr) = await LoadCommandProcess.RunAsync(
                ["--events", "5000", "--users", "500", "--batch", "250", "--open-loop-seconds", "1", "--json", "--chart", chart], s_timeout);

            Assert.That(exitCode, Is.EqualTo(0), stderr);
            using var report = JsonDocument.Parse(stdout);
            var root = report.RootElement;
            AssertMeasured(root.GetProperty("personalization"), "personalization");
            var baselines = root.GetProperty("baselines");
            AssertMeasured(baselines.GetProperty("dataflow"), "dataflow");
            var redis = baselines.GetProperty("redis");
            if (redis.TryGetProperty("skipped", out var reason))
            {
                Assert.That(reason.GetString(), Is.EqualTo("redis-server is not installed"));
            }
            else
            {
                AssertMeasured(redis, "redis");
            }

            Assert.That(new FileInfo(chart).Length, Is.GreaterThan(1_000), "the chart is a PNG of some size");
        }
        finally
        {
            File.Delete(chart);
        }
    }

    [Test]
    public async Task Bad_options_exit_with_code_2_and_name_every_bad_option()
    {
        var (exitCode, stdout, stderr) = await LoadCommandProcess.RunAsync(["--events", "lots", "--systems", "kafka"], s_timeout);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.Contain("--events: 'lots' is not a number"));
            Assert.That(stderr, Does.Contain("unknown system 'kafka'"));
            Assert.That(stderr, Does.Contain("Usage:"));
        });
    }

    private static void AssertMeasured(JsonElement part, string system)
    {
        Assert.That(part.TryGetProperty("failed", out var failed), Is.False, $"{system} failed: {failed}");
        foreach (var figure in s_figures)
        {
            Assert.That(part.TryGetProperty(figure, out var value), Is.True, $"{system} has {figure}");
            Assert.That(value.GetDouble(), Is.GreaterThanOrEqualTo(0), $"{system}.{figure}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(part.GetProperty("events_per_second").GetDouble(), Is.GreaterThan(0), $"{system} events/s");
            Assert.That(part.GetProperty("closed_loop").GetProperty("events").GetInt64(), Is.EqualTo(5000), $"{system} closed-loop events");
            Assert.That(part.GetProperty("open_loop").GetProperty("latency_samples").GetInt64(), Is.GreaterThan(0), $"{system} latency samples");
        });
    }
}
