using System.Diagnostics;
using HdrHistogram;

namespace Personalization.Benchmarks.Load;

/// <summary>Per-event latencies in microseconds (HdrHistogram, 3 significant digits), recorded only while enabled.</summary>
internal sealed class LatencyRecorder
{
    private const long HighestMicroseconds = 10L * 60 * 1_000_000;

    private readonly LongConcurrentHistogram _histogram = new(1, HighestMicroseconds, 3);
    private volatile bool _enabled;

    /// <summary>Whether <see cref="Record"/> and <see cref="RecordSince"/> keep what they are given.</summary>
    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>Records the time from <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) until now.</summary>
    public void RecordSince(long startTimestamp)
    {
        if (_enabled)
        {
            Add((long)Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds);
        }
    }

    /// <summary>Records a latency measured elsewhere, in milliseconds.</summary>
    public void Record(double milliseconds)
    {
        if (_enabled)
        {
            Add((long)(milliseconds * 1000.0));
        }
    }

    /// <summary>The percentiles recorded so far, in milliseconds.</summary>
    public LatencyPercentiles Summarize()
    {
        var snapshot = _histogram.Copy();
        return snapshot.TotalCount == 0
            ? new LatencyPercentiles(0, 0, 0, 0, 0)
            : new LatencyPercentiles(snapshot.TotalCount,
                snapshot.GetValueAtPercentile(50) / 1000.0,
                snapshot.GetValueAtPercentile(99) / 1000.0,
                snapshot.GetValueAtPercentile(99.9) / 1000.0,
                snapshot.GetMaxValue() / 1000.0);
    }

    private void Add(long microseconds) => _histogram.RecordValue(Math.Clamp(microseconds, 1, HighestMicroseconds));
}

/// <summary>Latency percentiles in milliseconds over <paramref name="Count"/> events.</summary>
internal readonly record struct LatencyPercentiles(long Count, double P50, double P99, double P999, double Max);
