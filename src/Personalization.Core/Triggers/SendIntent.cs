namespace Personalization.Triggers;

/// <summary>
/// A trigger's decision to send one email, handed to delivery. <see cref="SendKey"/> is stable across replays and
/// restarts: the same decision always has the same key, so delivery can send it once.
/// </summary>
/// <param name="SendKey">Trigger, instance key and occurrence: <c>cart_abandonment:user-1:1</c>; for an instance keyed by something other than the user, the key is prefixed by the user: <c>product_reminder:user-1/sku-9:1</c>.</param>
/// <param name="Trigger">The trigger's name.</param>
/// <param name="UserId">The profile id of the user to send to.</param>
/// <param name="InstanceKey">The instance key (the user id unless the trigger is keyed otherwise).</param>
/// <param name="EnteredAt">When the instance started.</param>
/// <param name="Due">When the instance came due.</param>
/// <param name="Template">The template to render.</param>
/// <param name="Reasons">The decision trail: how the instance got here (entered, restarted n times, fired).</param>
public sealed record SendIntent(string SendKey, string Trigger, string UserId, string InstanceKey, DateTimeOffset EnteredAt,
    DateTimeOffset Due, string Template, IReadOnlyList<string> Reasons)
{
    /// <summary>The events that started and restarted the instance, oldest first (at most the last few).</summary>
    public IReadOnlyList<TriggeringEvent> Events { get; init; } = [];

    /// <summary>The user's profile when the trigger decided (a snapshot), if the user has one. Delivery renders an
    /// event-time replay from it, so the email shows what the user had when it would have been sent.</summary>
    public Profiles.CustomerProfile? Profile { get; init; }

    // The stored bytes of Profile, when the trigger engine has them: delivery keeps them without serializing again.
    internal byte[]? ProfileBytes { get; init; }
}
