using Personalization.Profiles;
using Personalization.Triggers;

namespace Personalization.Delivery;

/// <summary>What a template renders from: the live profile, the decision, the address and the unsubscribe link.</summary>
/// <param name="Profile">The recipient's profile as it is now.</param>
/// <param name="Intent">The trigger's decision.</param>
/// <param name="To">The recipient address.</param>
/// <param name="UnsubscribeUrl">The recipient's one-click unsubscribe URL.</param>
/// <param name="Now">The delivery time (the pipeline clock).</param>
internal sealed record EmailModel(CustomerProfile Profile, SendIntent Intent, string To, string UnsubscribeUrl, DateTimeOffset Now);
