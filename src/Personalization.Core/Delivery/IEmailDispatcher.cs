namespace Personalization.Delivery;

/// <summary>
/// Hands one email to an email platform: a pickup folder, an SMTP server or an HTTP email API.
/// </summary>
/// <remarks>
/// Delivery calls a dispatcher once per attempt, with retries, back-off and a per-attempt timeout around it, and at
/// most <see cref="DeliveryOptions.MaxConcurrency"/> calls at once. A dispatcher reports failure by throwing:
/// <see cref="EmailDispatchException"/> says whether the failure is permanent (not retried) and how long to wait
/// before the next attempt; any other exception is treated as transient.
/// </remarks>
public interface IEmailDispatcher
{
    /// <summary>The dispatcher's name, used in metrics and logs (<c>pickup</c>, <c>smtp</c>, <c>http</c>).</summary>
    string Name { get; }

    /// <summary>Sends <paramref name="message"/> once. Returns when the platform has accepted it.</summary>
    Task DispatchAsync(EmailMessage message, CancellationToken cancellationToken);
}
