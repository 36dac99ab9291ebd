using Personalization.Triggers;

namespace Personalization.Tests.Support;

/// <summary>
/// A trigger evaluator whose <see cref="OnEvent"/> blocks until the test opens the gate, so that the pipeline fills up
/// deterministically behind it.
/// </summary>
public sealed class GatedEvaluator : ITriggerEvaluator, IDisposable
{
    private readonly ManualResetEventSlim _gate = new(initialState: false);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _applied;

    /// <summary>Completes when the first event reached the evaluator (and is now held at the gate).</summary>
    public Task Entered => _entered.Task;

    /// <summary>How many events went through the evaluator.</summary>
    public int Applied => Volatile.Read(ref _applied);

    public void Open() => _gate.Set();

    public void OnEvent(TriggerEventContext context)
    {
        _entered.TrySetResult();
        // Bounded, so that a failing test cannot hang the run: after one timeout the gate stays open.
        if (!_gate.Wait(TestPipelines.Timeout))
        {
            _gate.Set();
        }

        Interlocked.Increment(ref _applied);
    }

    public void OnClock(TriggerClockContext context)
    {
    }

    public void Dispose()
    {
        _gate.Set();
        _gate.Dispose();
    }
}
