using Personalization.DeadLetters;
using Personalization.Delivery;

namespace Personalization.Pipeline;

public sealed partial class PersonalizationPipeline
{
    /// <summary>What delivery did since the pipeline started: rendered, sent, failed, skipped, retried, duplicates.
    /// All zero when delivery is off.</summary>
    public DeliveryCounts DeliveryCounts => _delivery?.Counts ?? default;

    /// <summary>
    /// How the send with <paramref name="sendKey"/> ended, from the send ledger: sent, failed (with its last error) or
    /// skipped (with the reason); <see langword="null"/> while it is in flight or when the key is unknown.
    /// </summary>
    public Task<SendRecord?> GetSendAsync(string sendKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(sendKey);
        return Task.FromResult(_state is 1 or 2 ? _delivery?.GetSend(sendKey) : null);
    }

    /// <summary>
    /// The dead letters of the data directory: rejected, flagged and failed events and failed sends, with their reasons;
    /// list, export, purge or remove them here. Available from the start of the pipeline; reads keep working after it
    /// stopped.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pipeline has not started (or has no dead-letter store).</exception>
    public IDeadLetterStore DeadLetters => DeadLetterStore
        ?? throw new InvalidOperationException("The pipeline's dead letters are available once it has started.");

    // The pipeline's store, opened with the data directory; kept after a stop so that reads go on working.
    internal DeadLetterStore? DeadLetterStore => _deadLetters;

    // True when every decision ended: then the store checkpoint holds the whole ledger and the outbox can be emptied.
    private async Task<bool> DrainDeliveryAsync()
    {
        if (_delivery is not { } delivery || _deliveryTask is not { } reader)
        {
            return false;
        }

        var drain = delivery.DrainAsync(CancellationToken.None);
        await Task.WhenAny(drain, reader).ConfigureAwait(false);
        if (!drain.IsCompleted)
        {
            // The reader died: what is not delivered stays in the outbox for the next start.
            return false;
        }

        await drain.ConfigureAwait(false);
        await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !reader.IsFaulted;
    }
}
