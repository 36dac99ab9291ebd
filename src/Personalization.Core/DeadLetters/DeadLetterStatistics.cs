namespace Personalization.DeadLetters;

/// <summary>What the dead-letter store holds and what it could not keep.</summary>
/// <param name="Count">Entries held.</param>
/// <param name="Bytes">Bytes the entries take on disk.</param>
/// <param name="DroppedBySize">Entries deleted to stay within <see cref="DeadLetterOptions.MaxBytes"/>, since the
/// store was created (kept across restarts).</param>
/// <param name="DroppedByAge">Entries deleted for being older than <see cref="DeadLetterOptions.MaxAge"/>, since the
/// store was created (kept across restarts).</param>
/// <param name="WriteFailures">Entries that could not be written (a full or failing disk, a full queue, a closed
/// store) since the store was opened.</param>
public readonly record struct DeadLetterStatistics(long Count, long Bytes, long DroppedBySize, long DroppedByAge, long WriteFailures);
