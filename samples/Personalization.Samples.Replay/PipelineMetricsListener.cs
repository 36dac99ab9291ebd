using System.Diagnostics.Metrics;
using HdrHistogram;
using Personalization.Diagnostics;

namespace Personalization.Samples.Replay;

/// <summary>
/// Listens to the pipeline's meter: every end-to-end latency measurement
/// (<see cref="PersonalizationDiagnostics.EndToEndLatency"/>, recorded per event on the shard threads) goes into an
/// HdrHistogram in microseconds, and events that were accepted but failed to apply (rejected with reason
/// <c>processing_error</c> after the ingest call returned) are counted.
/// </summary>
internal sealed class PipelineMetricsListener : IDisposable
{
    private const long HighestMicroseconds = 10L * 60 * 1_000_000;
    private const string ProcessingError = "processing_error";

    /// <summary>Events whose latency counts as warm-up (JIT, first pages of the store) for the steady-state summary.</summary>
    public const long WarmUpEvents = 100_000;

    private readonly LongConcurrentHistogram _latency = new(1, HighestMicroseconds, 3);
    private readonly LongConcurrentHistogram _steady = new(1, HighestMicroseconds, 3);
    private long _measured;
    private readonly MeterListener _listener = new();
    private long _failed;

    public PipelineMetricsListener()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == PersonalizationDiagnostics.Name
                && instrument.Name is PersonalizationDiagnostics.EndToEndLatency or PersonalizationDiagnostics.EventsRejected)
            {
                listener.EnableMeasurementEvents(instrument, null);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, milliseconds, _, _) =>
        {
            var microseconds = Math.Clamp((long)(milliseconds * 1000.0), 0, HighestMicroseconds);
            _latency.RecordValue(microseconds);
            if (Interlocked.Increment(ref _measured) > WarmUpEvents)
            {
                _steady.RecordValue(microseconds);
            }
        });
        _listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason" && tag.Value is ProcessingError)
                {
                    Interlocked.Add(ref _failed, count);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Events accepted by the ingest call that a shard then failed to apply.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The latency percentiles so far, in milliseconds.</summary>
    public LatencySummary Summarize() => Summarize(_latency);

    /// <summary>The latency percentiles of the events after the first <see cref="WarmUpEvents"/>, in milliseconds.</summary>
    public LatencySummary SummarizeSteady() => Summarize(_steady);

    private static LatencySummary Summarize(LongConcurrentHistogram histogram)
    {
        var snapshot = histogram.Copy();
        if (snapshot.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        return new LatencySummary(snapshot.TotalCount,
            snapshot.GetValueAtPercentile(50) / 1000.0,
            snapshot.GetValueAtPercentile(99) / 1000.0,
            snapshot.GetValueAtPercentile(99.9) / 1000.0,
            snapshot.GetMaxValue() / 1000.0);
    }

    public void Dispose() => _listener.Dispose();
}
