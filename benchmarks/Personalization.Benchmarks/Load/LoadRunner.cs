using System.Diagnostics;
using Personalization.Events;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// Measures one system in this process: the closed loop (producers ingest batches as fast as they are accepted),
/// then the open loop (a paced producer offers a fraction of the closed loop's rate and the latency of every event is
/// recorded), each on traffic made before it starts.
/// </summary>
internal static class LoadRunner
{
    // Events at the start of the closed loop that warm the system up (JIT tiers, first pages of the stores,
    // dictionaries growing): throughput, allocations, CPU and collections are measured over the rest. Two fifths: on
    // two busy cores, tiered compilation of the engine (about 10,000 methods) kept a quarter of the CPU for the first
    // 10 seconds of the loop, which a tenth did not cover.
    private const double WarmUpShare = 0.4;
    private const int MaxCallsInFlight = 1_024;

    public static async Task<ClosedLoopResult> ClosedLoopAsync(ISystemUnderTest system, SegmentEvent[] events, LoadOptions options)
    {
        var warmUp = (long)(events.Length * WarmUpShare);
        var deadline = TimeSpan.FromSeconds(options.MaxClosedSeconds);
        long next = 0;
        long acknowledged = 0;
        SteadyStart? steady = null;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var gcBefore = GcCounts.Now();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();

        async Task ProduceAsync()
        {
            await Task.Yield();
            while (Stopwatch.GetElapsedTime(start) < deadline)
            {
                var from = Interlocked.Add(ref next, options.BatchSize) - options.BatchSize;
                if (from >= events.Length)
                {
                    return;
                }

                var count = (int)Math.Min(options.BatchSize, events.Length - from);
                await system.IngestAsync(new ArraySegment<SegmentEvent>(events, (int)from, count));
                var done = Interlocked.Add(ref acknowledged, count);
                if (done >= warmUp && done - count < warmUp)
                {
                    using var now = Process.GetCurrentProcess();
                    Volatile.Write(ref steady, new SteadyStart(Stopwatch.GetTimestamp(), done,
                        GC.GetTotalAllocatedBytes(precise: true), now.TotalProcessorTime, GcCounts.Now()));
                }
            }
        }

        var producers = new Task[options.Producers];
        for (var i = 0; i < producers.Length; i++)
        {
            producers[i] = ProduceAsync();
        }

        await Task.WhenAll(producers);
        await system.DrainAsync();
        var end = Stopwatch.GetTimestamp();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var total = Interlocked.Read(ref acknowledged);
        // The steady part: from the end of the warm-up (the whole loop when it never got past it).
        var from = Volatile.Read(ref steady) ?? new SteadyStart(start, 0, allocatedBefore, cpuBefore, gcBefore);
        var steadyEvents = total - from.Acknowledged;
        return new ClosedLoopResult(
            Events: total,
            Seconds: Stopwatch.GetElapsedTime(start, end).TotalSeconds,
            EventsPerSecond: steadyEvents / Math.Max(1e-9, Stopwatch.GetElapsedTime(from.Timestamp, end).TotalSeconds),
            AllocatedBytesPerEvent: (double)(allocated + allocatedBefore - from.AllocatedBytes) / Math.Max(1, steadyEvents),
            CpuSeconds: (process.TotalProcessorTime - from.Cpu).TotalSeconds,
            Gc: GcCounts.Now() - from.Gc,
            SteadyEvents: steadyEvents);
    }

    public static async Task<OpenLoopResult> OpenLoopAsync(ISystemUnderTest system, SegmentEvent[] events, double rate, LoadOptions options)
    {
        var pending = new Queue<Task>();
        long sent = 0;
        system.Latency.Enabled = true;
        var gcBefore = GcCounts.Now();
        var start = Stopwatch.GetTimestamp();
        while (sent < events.Length)
        {
            // The schedule, not the previous call, says when an event is due: a slow call does not slow the offer.
            var due = Math.Min(events.Length, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate));
            if (due <= sent)
            {
                await Task.Delay(1);
                continue;
            }

            while (sent < due)
            {
                var count = (int)Math.Min(options.BatchSize, due - sent);
                var call = system.IngestAsync(new ArraySegment<SegmentEvent>(events, (int)sent, count));
                sent += count;
                if (call.IsCompleted)
                {
                    await call;
                }
                else
                {
                    pending.Enqueue(call.AsTask());
                }
            }

            while (pending.Count > 0 && (pending.Peek().IsCompleted || pending.Count > MaxCallsInFlight))
            {
                await pending.Dequeue();
            }
        }

        var offeredSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.WhenAll(pending);
        await system.DrainAsync();
        system.Latency.Enabled = false;
        return new OpenLoopResult(events.Length, rate, events.Length / Math.Max(1e-9, offeredSeconds), offeredSeconds,
            system.Latency.Summarize(), GcCounts.Now() - gcBefore);
    }
}

/// <summary>Where the steady part of the closed loop starts: the time, the events acknowledged, and the process's
/// allocations, CPU and collections at that moment.</summary>
internal sealed record SteadyStart(long Timestamp, long Acknowledged, long AllocatedBytes, TimeSpan Cpu, GcCounts Gc);

/// <summary>What the closed loop measured (allocations, CPU and collections over its steady part).</summary>
internal sealed record ClosedLoopResult(long Events, double Seconds, double EventsPerSecond, double AllocatedBytesPerEvent,
    double CpuSeconds, GcCounts Gc, long SteadyEvents);

/// <summary>What the open loop measured: the offered and achieved rates, and the latency percentiles.</summary>
internal sealed record OpenLoopResult(long Events, double OfferedEventsPerSecond, double AchievedEventsPerSecond, double Seconds,
    LatencyPercentiles Latency, GcCounts Gc);
