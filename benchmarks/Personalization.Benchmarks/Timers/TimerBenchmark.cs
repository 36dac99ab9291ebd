using System.Diagnostics;
using Personalization.Benchmarks.Support;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Triggers;

namespace Personalization.Benchmarks.Timers;

/// <summary>
/// The <c>timers</c> command: N <c>Started</c> events for N distinct users through a real pipeline in event time, one
/// custom trigger, so N durable timers are pending at once; then <c>CompleteReplayAsync</c> resolves them all.
/// </summary>
internal static class TimerBenchmark
{
    public const string TriggerName = "timer_bench";
    public const string EntryEvent = "Started";

    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = TimerBenchmarkOptions.TryParse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"timers: {error}\n\n{TimerBenchmarkOptions.Usage}");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(TimerBenchmarkOptions.Usage);
            return 0;
        }

        var result = await MeasureAsync(options);
        if (options.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            result.WriteJson(stdout);
            stdout.WriteByte((byte)'\n');
        }
        else
        {
            result.WriteSummary(Console.Out);
        }

        return result.Passed ? 0 : 1;
    }

    private static async Task<TimerBenchmarkResult> MeasureAsync(TimerBenchmarkOptions options)
    {
        using var directory = new TempDirectory("personalization-timers");
        var delay = TimeSpan.FromHours(options.DelayHours);
        var sink = new OrderCheckingSendSink(options.Timers, options.Shards, delay);
        var pipelineOptions = new PersonalizationOptions
        {
            DataDirectory = directory.Path,
            Clock = ClockMode.EventTime,
            ShardCount = options.Shards,
            SendSink = sink,
        };
        if (options.StoreMemoryBytes is { } budget)
        {
            pipelineOptions.Store.MemoryBudgetBytes = budget;
        }

        pipelineOptions.Triggers.Add(Trigger.When(TriggerName, EntryEvent).After(delay).Build());

        var pipeline = await PersonalizationPipeline.StartNewAsync(pipelineOptions);
        double scheduleSeconds, resolveSeconds, stopSeconds;
        long firedBeforeResolve;
        TriggerCounts counts;
        MemorySnapshot afterSchedule, afterResolve;
        try
        {
            Progress($"scheduling {options.Timers:N0} timers ...");
            var started = Stopwatch.GetTimestamp();
            await IngestAsync(pipeline, options);
            await pipeline.FlushAsync();
            scheduleSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            firedBeforeResolve = sink.Fired;
            afterSchedule = MemorySnapshot.Take(directory.Path);

            Progress($"resolving ({scheduleSeconds:N1} s to schedule) ...");
            started = Stopwatch.GetTimestamp();
            await pipeline.CompleteReplayAsync();
            resolveSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            afterResolve = MemorySnapshot.Take(directory.Path);
            counts = pipeline.TriggerCounts[TriggerName];

            Progress($"stopping ({resolveSeconds:N1} s to resolve) ...");
            started = Stopwatch.GetTimestamp();
            await pipeline.StopAsync();
            stopSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            await pipeline.DisposeAsync();
        }

        using var process = Process.GetCurrentProcess();
        return new TimerBenchmarkResult
        {
            Options = options,
            ScheduleSeconds = scheduleSeconds,
            ResolveSeconds = resolveSeconds,
            StopSeconds = stopSeconds,
            FiredBeforeResolve = firedBeforeResolve,
            Fired = sink.Fired,
            OrderViolations = sink.OrderViolations,
            Duplicates = sink.Duplicates,
            WrongDue = sink.WrongDue,
            UnknownUsers = sink.UnknownUsers,
            Counts = counts,
            AfterSchedule = afterSchedule,
            AfterResolve = afterResolve,
            PeakWorkingSetBytes = process.PeakWorkingSet64,
            DiskBytesAfterStop = MemorySnapshot.DiskBytesOf(directory.Path),
            StoreMemoryBudgetBytes = pipelineOptions.Store.MemoryBudgetBytes,
        };
    }

    // One batch in flight at a time, timestamps in increasing order: the event-time clock of every shard only moves
    // forward, as in a replay.
    private static async Task IngestAsync(PersonalizationPipeline pipeline, TimerBenchmarkOptions options)
    {
        var spreadTicks = TimeSpan.FromHours(options.SpreadHours).Ticks;
        var batch = new List<SegmentEvent>(options.BatchSize);
        for (var i = 0; i < options.Timers; i++)
        {
            var timestamp = s_start.AddTicks((long)((double)spreadTicks * i / options.Timers));
            var userId = OrderCheckingSendSink.UserId(i);
            batch.Add(SegmentEvent.Track("m-" + userId, userId, EntryEvent, timestamp));
            if (batch.Count == options.BatchSize || i == options.Timers - 1)
            {
                var results = await pipeline.IngestBatchAsync(batch);
                foreach (var result in results)
                {
                    if (result.Status != IngestStatus.Accepted)
                    {
                        throw new InvalidOperationException($"An event was not accepted: {result}");
                    }
                }

                batch = new List<SegmentEvent>(options.BatchSize);
            }
        }
    }

    // Progress goes to stderr, so that --json leaves stdout to the one JSON object.
    private static void Progress(string message) => Console.Error.WriteLine(message);
}
