namespace Personalization.Triggers;

/// <summary>One of the events that started or restarted a trigger instance, as carried to its email.</summary>
/// <param name="Name">The event's name (<c>Product Added</c>), or its type for non-track events (<c>identify</c>).</param>
/// <param name="Timestamp">The event's timestamp.</param>
/// <param name="MessageId">The event's <c>messageId</c>, if it had one.</param>
public sealed record TriggeringEvent(string Name, DateTimeOffset Timestamp, string? MessageId);
