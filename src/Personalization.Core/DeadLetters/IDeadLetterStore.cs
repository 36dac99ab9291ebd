namespace Personalization.DeadLetters;

/// <summary>
/// The dead letters of a pipeline's data directory: rejected, flagged and failed events and failed sends, each with
/// a reason code, a message and (for events) the raw payload. Durable, bounded by <see cref="DeadLetterOptions"/>,
/// safe to use from any thread. Reads keep working after the pipeline stopped.
/// </summary>
public interface IDeadLetterStore
{
    /// <summary>What the store holds and what it dropped.</summary>
    DeadLetterStatistics Statistics { get; }

    /// <summary>
    /// Writes <paramref name="drafts"/>; completes once they are on disk (fsynced, one fsync shared by every append
    /// that waits at the same time; when the pipeline runs with <see cref="Pipeline.DurabilityMode.None"/>, once they
    /// are written, without an fsync). Never throws for a full or failing disk.
    /// </summary>
    /// <returns><see langword="true"/> when every entry was written; <see langword="false"/> when they could not be
    /// (counted in <see cref="DeadLetterStatistics.WriteFailures"/> and logged).</returns>
    ValueTask<bool> AppendAsync(IReadOnlyList<DeadLetterDraft> drafts, CancellationToken cancellationToken = default);

    /// <summary>The entries that match <paramref name="query"/>, oldest first, at most <see cref="DeadLetterQuery.Limit"/>.</summary>
    IReadOnlyList<DeadLetter> List(DeadLetterQuery query);

    /// <summary>Removes every entry that matches <paramref name="query"/> (its <see cref="DeadLetterQuery.Limit"/> does
    /// not apply). The affected files are rewritten atomically.</summary>
    /// <returns>How many entries were removed.</returns>
    int Purge(DeadLetterQuery query);

    /// <summary>Removes the entries with these ids (for example those replayed successfully).</summary>
    /// <returns>How many entries were removed.</returns>
    int Remove(IEnumerable<long> ids);

    /// <summary>
    /// Removes every entry about <paramref name="userId"/>, for a privacy erasure: those whose
    /// <see cref="DeadLetter.UserId"/> is it, and those whose raw payload is a JSON object with a top-level
    /// <c>userId</c>, <c>anonymousId</c> or <c>previousId</c> equal to it.
    /// </summary>
    /// <returns>How many entries were removed.</returns>
    int RemoveUser(string userId);

    /// <summary>Writes every entry to <paramref name="destination"/> as JSON Lines (one object per line, the store's
    /// own format: <c>id</c>, <c>kind</c>, <c>reason</c>, <c>message</c>, <c>at</c>, <c>raw</c>, ...), oldest first.</summary>
    /// <returns>How many entries were written.</returns>
    long ExportTo(Stream destination);
}
