using System.Diagnostics.Metrics;
using Personalization.Diagnostics;

namespace Personalization.Triggers.Engine;

/// <summary>Counts of trigger decisions, per trigger, as numbers for reports and as a metric with reasons.</summary>
internal sealed class TriggerMetrics
{
    private const int EnteredSlot = 0;
    private const int RestartedSlot = 1;
    private const int CancelledSlot = 2;
    private const int SuppressedSlot = 3;
    private const int FiredSlot = 4;
    private const int DeferredSlot = 5;

    private readonly long[,] _counts;
    private readonly Counter<long> _decisions;

    public TriggerMetrics(Meter meter, int triggerCount)
    {
        _counts = new long[triggerCount, 6];
        _decisions = meter.CreateCounter<long>(PersonalizationDiagnostics.TriggerDecisions, "{decision}",
            "Trigger decisions, by trigger, outcome (entered, restarted, cancelled, suppressed, deferred, fired) and reason.");
    }

    public void Entered(int index, string trigger) => Count(index, EnteredSlot, trigger, "entered", TriggerReasons.Entered);

    public void Restarted(int index, string trigger) => Count(index, RestartedSlot, trigger, "restarted", TriggerReasons.Restarted);

    public void Cancelled(int index, string trigger, string reason) => Count(index, CancelledSlot, trigger, "cancelled", reason);

    public void Suppressed(int index, string trigger, string reason) => Count(index, SuppressedSlot, trigger, "suppressed", reason);

    public void Deferred(int index, string trigger) => Count(index, DeferredSlot, trigger, "deferred", TriggerReasons.QuietHours);

    public void Fired(int index, string trigger) => Count(index, FiredSlot, trigger, "fired", TriggerReasons.Fired);

    public IReadOnlyDictionary<string, TriggerCounts> Snapshot(TriggerDefinition[] triggers)
    {
        var counts = new Dictionary<string, TriggerCounts>(triggers.Length, StringComparer.Ordinal);
        for (var i = 0; i < triggers.Length; i++)
        {
            counts[triggers[i].Name] = new TriggerCounts(
                Interlocked.Read(ref _counts[i, EnteredSlot]),
                Interlocked.Read(ref _counts[i, RestartedSlot]),
                Interlocked.Read(ref _counts[i, CancelledSlot]),
                Interlocked.Read(ref _counts[i, SuppressedSlot]),
                Interlocked.Read(ref _counts[i, FiredSlot]),
                Interlocked.Read(ref _counts[i, DeferredSlot]));
        }

        return counts;
    }

    private void Count(int index, int outcome, string trigger, string outcomeName, string reason)
    {
        Interlocked.Increment(ref _counts[index, outcome]);
        _decisions.Add(1, new("trigger", trigger), new("outcome", outcomeName), new("reason", reason));
    }
}
