using MessagePack;

namespace Personalization.Events;

/// <summary>
/// One user-behaviour event in the Segment spec's shape (<c>track</c>, <c>identify</c>, <c>page</c>, <c>screen</c>,
/// <c>group</c>, <c>alias</c>). Property, trait and context values are JSON-like: <see cref="string"/>,
/// <see cref="double"/>, <see cref="long"/>, <see cref="bool"/>, <see langword="null"/>, nested
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/> of string to object, or <see cref="IReadOnlyList{T}"/> of object.
/// </summary>
/// <remarks>Build one with the factory methods (<see cref="Track"/>, <see cref="Identify"/>, ...),
/// with an object initializer, or parse Segment JSON with <see cref="SegmentJson"/>.</remarks>
[MessagePackObject]
public sealed class SegmentEvent
{
    private static readonly IReadOnlyDictionary<string, object?> s_empty = new Dictionary<string, object?>(0);

    /// <summary>The unique id of this event; retries of the same event carry the same id and are deduplicated.</summary>
    [Key(0)]
    public required string MessageId { get; init; }

    /// <summary>The call type.</summary>
    [Key(1)]
    public SegmentEventType Type { get; init; }

    /// <summary>The known user's id, if any.</summary>
    [Key(2)]
    public string? UserId { get; init; }

    /// <summary>The anonymous visitor's id, if any.</summary>
    [Key(3)]
    public string? AnonymousId { get; init; }

    /// <summary>The event name of a <c>track</c> call, for example <c>Product Added</c>.</summary>
    [Key(4)]
    public string? Event { get; init; }

    /// <summary>The page or screen name of a <c>page</c> or <c>screen</c> call.</summary>
    [Key(5)]
    public string? Name { get; init; }

    /// <summary>The previous id of an <c>alias</c> call.</summary>
    [Key(6)]
    public string? PreviousId { get; init; }

    /// <summary>When the event happened (Segment's <c>timestamp</c>); this is the event time.</summary>
    [Key(7)]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The properties of a <c>track</c>, <c>page</c> or <c>screen</c> call.</summary>
    [Key(8), MessagePackFormatter(typeof(Internal.JsonValuesFormatter))]
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = s_empty;

    /// <summary>The traits of an <c>identify</c> or <c>group</c> call.</summary>
    [Key(9), MessagePackFormatter(typeof(Internal.JsonValuesFormatter))]
    public IReadOnlyDictionary<string, object?> Traits { get; init; } = s_empty;

    /// <summary>The context (library, page, locale, ...).</summary>
    [Key(10), MessagePackFormatter(typeof(Internal.JsonValuesFormatter))]
    public IReadOnlyDictionary<string, object?> Context { get; init; } = s_empty;

    /// <summary>The id whose profile this event updates: <see cref="UserId"/> when present, else <see cref="AnonymousId"/>.</summary>
    [IgnoreMember]
    public string? ProfileId => string.IsNullOrEmpty(UserId) ? AnonymousId : UserId;

    /// <summary>Creates a <c>track</c> event.</summary>
    public static SegmentEvent Track(string messageId, string userId, string eventName, DateTimeOffset timestamp,
        IReadOnlyDictionary<string, object?>? properties = null) => new()
    {
        MessageId = messageId,
        Type = SegmentEventType.Track,
        UserId = userId,
        Event = eventName,
        Timestamp = timestamp,
        Properties = properties ?? s_empty,
    };

    /// <summary>Creates an <c>identify</c> event, optionally linking an anonymous id to the user.</summary>
    public static SegmentEvent Identify(string messageId, string userId, DateTimeOffset timestamp,
        IReadOnlyDictionary<string, object?>? traits = null, string? anonymousId = null) => new()
    {
        MessageId = messageId,
        Type = SegmentEventType.Identify,
        UserId = userId,
        AnonymousId = anonymousId,
        Timestamp = timestamp,
        Traits = traits ?? s_empty,
    };

    /// <summary>Creates a <c>page</c> event.</summary>
    public static SegmentEvent Page(string messageId, string userId, string? name, DateTimeOffset timestamp,
        IReadOnlyDictionary<string, object?>? properties = null) => new()
    {
        MessageId = messageId,
        Type = SegmentEventType.Page,
        UserId = userId,
        Name = name,
        Timestamp = timestamp,
        Properties = properties ?? s_empty,
    };

    /// <inheritdoc />
    public override string ToString() =>
        $"{Type} {Event ?? Name} user={ProfileId} id={MessageId} at {Timestamp:O}";
}
