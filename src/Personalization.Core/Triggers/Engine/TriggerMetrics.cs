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

    /// <summary>Counts one decision of <paramref name="outcome"/> (a <see cref="TriggerOutcomes"/> name).</summary>
    public void Count(int index, string trigger, string outcome, string reason)
    {
        var slot = outcome switch
        {
            TriggerOutcomes.Entered => EnteredSlot,
            TriggerOutcomes.Restarted => RestartedSlot,
            TriggerOutcomes.Cancelled => CancelledSlot,
            TriggerOutcomes.Suppressed => SuppressedSlot,
            TriggerOutcomes.Deferred => DeferredSlot,
            TriggerOutcomes.Fired => FiredSlot,
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown trigger outcome."),
        };
        Interlocked.Increment(ref _counts[index, slot]);
        _decisions.Add(1, new("trigger", trigger), new("outcome", outcome), new("reason", reason));
    }

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
}
