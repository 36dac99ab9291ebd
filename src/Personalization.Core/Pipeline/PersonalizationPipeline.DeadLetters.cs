using Personalization.DeadLetters;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Pipeline;

public sealed partial class PersonalizationPipeline
{
    private const int ReplayChunk = 256;

    /// <summary>
    /// Ingests the rejected events that match <paramref name="query"/> again, oldest first, after the cause was fixed
    /// (an upcaster registered, a tracking plan or a limit changed, a client's bug understood). Each payload goes through
    /// the same checks as a new event. Entries whose event is now <see cref="IngestStatus.Accepted"/> or
    /// <see cref="IngestStatus.Duplicate"/> leave the store; the others stay as they were (no second entry is written).
    /// Only <see cref="DeadLetterKind.RejectedEvent"/> entries with their whole payload are replayed: failed sends are in
    /// the send ledger (replaying them would break "never twice"), flagged and failed events were accepted already, and a
    /// truncated payload is not the event that was sent.
    /// </summary>
    /// <param name="query">Which entries; its <see cref="DeadLetterQuery.Limit"/> bounds how many are replayed.</param>
    /// <param name="cancellationToken">Stops between chunks of entries; the ones replayed so far keep their results.</param>
    /// <returns>One result per replayed entry, in the order of the store.</returns>
    /// <exception cref="InvalidOperationException">The pipeline is not running.</exception>
    public async Task<IReadOnlyList<DeadLetterReplayResult>> ReplayDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        EnsureStarted();
        var store = DeadLetters;
        var entries = store.List(query).Where(IsReplayable).ToList();
        var replayed = new List<DeadLetterReplayResult>(entries.Count);
        for (var start = 0; start < entries.Count; start += ReplayChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = entries.GetRange(start, Math.Min(ReplayChunk, entries.Count - start));
            var checkedEvents = new SegmentParseResult[chunk.Count];
            for (var i = 0; i < chunk.Count; i++)
            {
                checkedEvents[i] = _validator.Parse(chunk[i].GetRawBytes());
            }

            var results = await IngestCheckedAsync(checkedEvents, cancellationToken, keepDeadLetters: false).ConfigureAwait(false);
            var done = new List<long>(chunk.Count);
            for (var i = 0; i < chunk.Count; i++)
            {
                replayed.Add(new DeadLetterReplayResult(chunk[i], results[i]));
                if (results[i].Status != IngestStatus.Rejected)
                {
                    done.Add(chunk[i].Id);
                }
            }

            store.Remove(done);
        }

        return replayed;
    }

    private static bool IsReplayable(DeadLetter entry) => entry.Kind == DeadLetterKind.RejectedEvent && !entry.RawTruncated;
}
