namespace Personalization.Triggers.Engine;

/// <summary>Calls the built-in engine, then the host's own evaluator.</summary>
internal sealed class CompositeTriggerEvaluator(ITriggerEvaluator first, ITriggerEvaluator second) : ITriggerEvaluator
{
    public void OnEvent(TriggerEventContext context)
    {
        first.OnEvent(context);
        second.OnEvent(context);
    }

    public void OnClock(TriggerClockContext context)
    {
        first.OnClock(context);
        second.OnClock(context);
    }
}
