namespace Personalization.Delivery;

/// <summary>
/// One rendered email, ready for an <see cref="IEmailDispatcher"/>: addressed, with its subject, HTML and text parts
/// and the headers every email carries (unsubscribe, trigger, send key).
/// </summary>
public sealed class EmailMessage
{
    /// <summary>The send key: stable for one trigger decision, so a dispatcher can pass it on as an idempotency key.</summary>
    public required string SendKey { get; init; }

    /// <summary>The <c>Message-ID</c> (without angle brackets), derived from the send key: the same decision always
    /// has the same id.</summary>
    public required string MessageId { get; init; }

    /// <summary>The name of the trigger that decided to send.</summary>
    public required string Trigger { get; init; }

    /// <summary>The profile id of the recipient.</summary>
    public required string UserId { get; init; }

    /// <summary>The sender address, as configured (<c>"Shop &lt;news@shop.example&gt;"</c> or a bare address).</summary>
    public required string From { get; init; }

    /// <summary>The recipient's address (the profile's <c>email</c> trait).</summary>
    public required string To { get; init; }

    /// <summary>The rendered subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The rendered HTML part, if the template has one.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>The rendered text part, if the template has one.</summary>
    public string? TextBody { get; init; }

    /// <summary>The one-click unsubscribe URL of this recipient (also in <c>List-Unsubscribe</c>).</summary>
    public required string UnsubscribeUrl { get; init; }

    /// <summary>Extra headers, in order: <c>List-Unsubscribe</c>, <c>List-Unsubscribe-Post</c>,
    /// <c>X-Personalization-Trigger</c>, <c>X-Personalization-Send-Key</c>.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }
}
