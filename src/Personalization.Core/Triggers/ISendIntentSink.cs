namespace Personalization.Triggers;

/// <summary>Receives the trigger stage's send decisions (the delivery stage, or a test's collector).</summary>
/// <remarks>Called on the shard thread that decided, in due-time order per shard; calls for different shards may
/// overlap. Keep it quick and thread-safe.</remarks>
public interface ISendIntentSink
{
    /// <summary>Takes one decision to send.</summary>
    void Submit(SendIntent intent);
}
