using System.Diagnostics.Metrics;
using Personalization.Diagnostics;

namespace Personalization.Delivery;

/// <summary>The delivery stage's instruments, tagged by trigger and dispatcher, and its running totals.</summary>
internal sealed class DeliveryMetrics
{
    private readonly Counter<long> _rendered;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _skipped;
    private readonly Histogram<double> _latency;
    private readonly string _dispatcher;
    private long _renderedCount;
    private long _sentCount;
    private long _failedCount;
    private long _retriedCount;
    private long _skippedCount;
    private long _duplicateCount;

    public DeliveryMetrics(Meter meter, string dispatcher)
    {
        _dispatcher = dispatcher;
        _rendered = meter.CreateCounter<long>(PersonalizationDiagnostics.EmailsRendered, "{email}", "Emails rendered from their templates.");
        _sent = meter.CreateCounter<long>(PersonalizationDiagnostics.EmailsSent, "{email}", "Emails the email platform accepted.");
        _failed = meter.CreateCounter<long>(PersonalizationDiagnostics.EmailsFailed, "{email}", "Sends that failed for good and went to dead letters, by reason.");
        _retried = meter.CreateCounter<long>(PersonalizationDiagnostics.EmailsRetried, "{attempt}", "Send attempts that failed and were retried.");
        _skipped = meter.CreateCounter<long>(PersonalizationDiagnostics.EmailsSkipped, "{email}", "Sends skipped, by reason (no_address, unsubscribed, ...).");
        _latency = meter.CreateHistogram<double>(PersonalizationDiagnostics.DeliveryLatency, "ms", "From the trigger's decision to the platform accepting the email.");
    }

    public DeliveryCounts Counts => new(Interlocked.Read(ref _renderedCount), Interlocked.Read(ref _sentCount),
        Interlocked.Read(ref _failedCount), Interlocked.Read(ref _skippedCount), Interlocked.Read(ref _retriedCount),
        Interlocked.Read(ref _duplicateCount));

    public void Rendered(string trigger)
    {
        Interlocked.Increment(ref _renderedCount);
        _rendered.Add(1, Tag("trigger", trigger), Tag("dispatcher", _dispatcher));
    }

    public void Sent(string trigger, double latencyMs)
    {
        Interlocked.Increment(ref _sentCount);
        _sent.Add(1, Tag("trigger", trigger), Tag("dispatcher", _dispatcher));
        _latency.Record(latencyMs, Tag("trigger", trigger), Tag("dispatcher", _dispatcher));
    }

    public void Failed(string trigger, string reason)
    {
        Interlocked.Increment(ref _failedCount);
        _failed.Add(1, Tag("trigger", trigger), Tag("dispatcher", _dispatcher), Tag("reason", reason));
    }

    public void Retried(string trigger)
    {
        Interlocked.Increment(ref _retriedCount);
        _retried.Add(1, Tag("trigger", trigger), Tag("dispatcher", _dispatcher));
    }

    public void Skipped(string trigger, string reason)
    {
        Interlocked.Increment(ref _skippedCount);
        _skipped.Add(1, Tag("trigger", trigger), Tag("reason", reason));
    }

    public void Duplicate() => Interlocked.Increment(ref _duplicateCount);

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
