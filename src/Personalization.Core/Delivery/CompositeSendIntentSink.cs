using Personalization.Triggers;

namespace Personalization.Delivery;

/// <summary>Hands each decision to delivery, then to the host's own sink.</summary>
internal sealed class CompositeSendIntentSink(ISendIntentSink first, ISendIntentSink second) : ISendIntentSink
{
    public void Submit(SendIntent intent)
    {
        first.Submit(intent);
        second.Submit(intent);
    }
}
