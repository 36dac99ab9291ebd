namespace Personalization.Delivery;

/// <summary>
/// How the delivery stage turns send decisions into emails: the templates, the sender, the unsubscribe link, the
/// dispatcher and its retries. Delivery is on when <see cref="Dispatcher"/> is set.
/// </summary>
public sealed class DeliveryOptions
{
    /// <summary>The dispatcher that hands emails to the platform; <see langword="null"/> turns delivery off.</summary>
    public IEmailDispatcher? Dispatcher { get; set; }

    /// <summary>The templates, by name; every trigger's template must be here when delivery is on.</summary>
    public IList<EmailTemplate> Templates { get; } = [];

    /// <summary>The sender: <c>news@shop.example</c> or <c>Shop &lt;news@shop.example&gt;</c>. Required with a dispatcher.</summary>
    public string? From { get; set; }

    /// <summary>The domain of generated <c>Message-ID</c>s; the sender's domain when not set.</summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>
    /// The one-click unsubscribe URL (RFC 8058), with placeholders <c>{user_id}</c>, <c>{token}</c> and
    /// <c>{send_key}</c>, URL-escaped when filled in: <c>https://shop.example/unsubscribe?u={user_id}&amp;t={token}</c>.
    /// Required with a dispatcher; must be <c>https</c> (or <c>http</c> on loopback, for tests).
    /// </summary>
    public string? UnsubscribeUrl { get; set; }

    /// <summary>The secret that signs unsubscribe tokens (HMAC-SHA256 of the user id), so links cannot be forged
    /// for other users. Verify tokens with <see cref="UnsubscribeTokens"/>. Required when the URL uses <c>{token}</c>.</summary>
    public string? UnsubscribeSigningKey { get; set; }

    /// <summary>
    /// For replays of exports that carry no addresses: a user without an <c>email</c> trait is sent to
    /// <c>&lt;user_id&gt;@FallbackEmailDomain</c>. Off by default: such users are skipped with reason <c>no_address</c>.
    /// </summary>
    public string? FallbackEmailDomain { get; set; }

    /// <summary>How many sends may be in flight at once. Default 8.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Retries, back-off and the per-attempt timeout.</summary>
    public DeliveryRetryOptions Retry { get; } = new();

    /// <summary>The template sandbox.</summary>
    public TemplateLimits TemplateLimits { get; } = new();
}
