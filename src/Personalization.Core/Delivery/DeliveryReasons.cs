namespace Personalization.Delivery;

/// <summary>Why delivery skipped or failed a send: the <c>reason</c> tag of the email metrics and dead letters.</summary>
public static class DeliveryReasons
{
    /// <summary>The user has no <c>email</c> trait (and no fallback domain is configured), or it is not an address.</summary>
    public const string NoAddress = "no_address";

    /// <summary>The user unsubscribed after the trigger decided.</summary>
    public const string Unsubscribed = "unsubscribed";

    /// <summary>The user's profile no longer exists (erased).</summary>
    public const string NoProfile = "no_profile";

    /// <summary>The trigger names a template that is not configured.</summary>
    public const string UnknownTemplate = "unknown_template";

    /// <summary>The template failed to render (a sandbox limit, or a value it could not format).</summary>
    public const string RenderFailed = "render_failed";

    /// <summary>The platform refused the email permanently (SMTP 5xx, HTTP 4xx).</summary>
    public const string Rejected = "rejected";

    /// <summary>Every attempt failed with a transient error.</summary>
    public const string RetriesExhausted = "retries_exhausted";

    /// <summary>The user was erased (a privacy request) after this send was decided.</summary>
    public const string Erased = "erased";
}
