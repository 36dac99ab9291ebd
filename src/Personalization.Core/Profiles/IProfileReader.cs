namespace Personalization.Profiles;

/// <summary>Reads customer profiles. Safe to use from any thread, concurrently with ingestion.</summary>
public interface IProfileReader
{
    /// <summary>
    /// Returns the current profile of <paramref name="userId"/> (a user id, or the anonymous id of a visitor who has
    /// not identified), or <see langword="null"/> when no event of that user was applied yet. The id of an anonymous
    /// visitor who has since identified (or the previous id of an <c>alias</c>) reads as the user's profile it was
    /// merged into.
    /// </summary>
    /// <remarks>An event is applied shortly after its ingest call returns; call
    /// <see cref="Ingest.IEventIngestor.FlushAsync"/> first to read your own writes.</remarks>
    ValueTask<CustomerProfile?> GetAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Streams every stored profile, in no particular order (for exports and reports).</summary>
    IAsyncEnumerable<CustomerProfile> ScanAsync(CancellationToken cancellationToken = default);
}
