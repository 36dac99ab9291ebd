using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Personalization.Diagnostics;

/// <summary>The pipeline's instruments, on one <see cref="Meter"/> named <see cref="PersonalizationDiagnostics.Name"/>.</summary>
internal sealed class PipelineMetrics : IDisposable
{
    private static readonly KeyValuePair<string, object?> s_ingestStage = new("stage", "ingest");
    private static readonly KeyValuePair<string, object?> s_dedupeStage = new("stage", "dedupe");
    private static readonly KeyValuePair<string, object?> s_enrichStage = new("stage", "enrich");
    private static readonly KeyValuePair<string, object?> s_triggerStage = new("stage", "trigger");

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _duplicate;
    private readonly Counter<long> _merges;
    private readonly Histogram<double> _stageDuration;
    private readonly Histogram<double> _latency;

    public PipelineMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<int>>> queueDepths)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(PersonalizationDiagnostics.Name) ?? new Meter(PersonalizationDiagnostics.Name);
        _accepted = _meter.CreateCounter<long>(PersonalizationDiagnostics.EventsAccepted, "{event}", "Events accepted into the pipeline.");
        _rejected = _meter.CreateCounter<long>(PersonalizationDiagnostics.EventsRejected, "{event}", "Events rejected, by reason code.");
        _duplicate = _meter.CreateCounter<long>(PersonalizationDiagnostics.EventsDuplicate, "{event}", "Events dropped as duplicates of an earlier messageId.");
        _merges = _meter.CreateCounter<long>(PersonalizationDiagnostics.IdentityMerges, "{merge}", "Identity merges, by outcome (merged, linked, skipped).");
        _meter.CreateObservableGauge(PersonalizationDiagnostics.QueueDepth, queueDepths, "{event}", "Events waiting in a stage's queue.");
        _stageDuration = _meter.CreateHistogram<double>(PersonalizationDiagnostics.StageDuration, "ms", "Time a stage spent on one event.");
        _latency = _meter.CreateHistogram<double>(PersonalizationDiagnostics.EndToEndLatency, "ms", "From the ingest call to the trigger stage done with the event.");
    }

    /// <summary>The meter, for the instruments of other parts of the engine (the trigger engine).</summary>
    public Meter Meter => _meter;

    public void Accepted() => _accepted.Add(1);

    public void Duplicate() => _duplicate.Add(1);

    public void IdentityMerge(string outcome) => _merges.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void IngestDone(long startTimestamp, int events)
    {
        if (events > 0)
        {
            _stageDuration.Record(ElapsedMs(startTimestamp) / events, s_ingestStage);
        }
    }

    public void DedupeDone(long startTimestamp) => _stageDuration.Record(ElapsedMs(startTimestamp), s_dedupeStage);

    public void EnrichDone(long startTimestamp) => _stageDuration.Record(ElapsedMs(startTimestamp), s_enrichStage);

    public void TriggerDone(long startTimestamp, long ingestTimestamp)
    {
        _stageDuration.Record(ElapsedMs(startTimestamp), s_triggerStage);
        _latency.Record(ElapsedMs(ingestTimestamp));
    }

    private static double ElapsedMs(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
