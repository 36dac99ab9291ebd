namespace Personalization.DeadLetters;

/// <summary>
/// Which dead letters to list or purge. Every filter that is set must match; an empty query matches every entry.
/// Entries come oldest first.
/// </summary>
public sealed class DeadLetterQuery
{
    /// <summary>Only entries of these kinds; <see langword="null"/> or empty for all.</summary>
    public IReadOnlyCollection<DeadLetterKind>? Kinds { get; init; }

    /// <summary>Only entries with these reason codes (ordinal); <see langword="null"/> or empty for all.</summary>
    public IReadOnlyCollection<string>? Reasons { get; init; }

    /// <summary>Only entries written at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only entries written before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only the entries of this <c>messageId</c>.</summary>
    public string? MessageId { get; init; }

    /// <summary>Only the entries about this user.</summary>
    public string? UserId { get; init; }

    /// <summary>Only entries with a greater id: pass the last id of a page to get the next page.</summary>
    public long? AfterId { get; init; }

    /// <summary>The most entries <see cref="IDeadLetterStore.List"/> returns. <see cref="IDeadLetterStore.Purge"/>
    /// ignores it and removes every match.</summary>
    /// <value>The default is 1,000. At least 1.</value>
    public int Limit { get; init; } = 1000;

    internal bool Matches(DeadLetter entry) =>
        (AfterId is not { } after || entry.Id > after)
        && (Kinds is not { Count: > 0 } kinds || kinds.Contains(entry.Kind))
        && (Reasons is not { Count: > 0 } reasons || reasons.Contains(entry.Reason, StringComparer.Ordinal))
        && (From is not { } from || entry.At >= from)
        && (To is not { } to || entry.At < to)
        && (MessageId is null || string.Equals(MessageId, entry.MessageId, StringComparison.Ordinal))
        && (UserId is null || string.Equals(UserId, entry.UserId, StringComparison.Ordinal));
}
