namespace Personalization.Storage;

/// <summary>
/// The engine's view of its embedded key-value store. All keyed state (profiles, dedupe ids, and later trigger
/// instances, timers and the send ledger) lives in one store, keys prefixed by kind, so that one checkpoint is
/// consistent by construction. Kept small on purpose so that FASTER can be replaced (for example by Garnet's
/// Tsavorite) without touching the pipeline stages.
/// </summary>
internal interface IKeyValueStore : IAsyncDisposable
{
    /// <summary>Opens a session. A session must only be used by one thread at a time.</summary>
    IKeyValueSession OpenSession();

    /// <summary>Takes a consistent checkpoint of everything in the store.</summary>
    ValueTask CheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store was recovered from a checkpoint when it was opened.</summary>
    bool Recovered { get; }
}
