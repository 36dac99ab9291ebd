using Personalization.Ingest;

namespace Personalization.DeadLetters;

/// <summary>What became of one dead letter replayed by <see cref="Pipeline.PersonalizationPipeline.ReplayDeadLettersAsync"/>.</summary>
/// <param name="Entry">The dead letter as it was stored.</param>
/// <param name="Result">The result of ingesting its payload again: <see cref="IngestStatus.Accepted"/> or
/// <see cref="IngestStatus.Duplicate"/> (the entry left the store), or <see cref="IngestStatus.Rejected"/> (it stayed).</param>
public sealed record DeadLetterReplayResult(DeadLetter Entry, IngestResult Result)
{
    /// <summary>The status of the new ingest.</summary>
    public IngestStatus Status => Result.Status;
}
