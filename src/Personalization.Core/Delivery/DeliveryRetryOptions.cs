namespace Personalization.Delivery;

/// <summary>How delivery retries a failed send: exponential back-off with jitter, and a timeout per attempt.</summary>
public sealed class DeliveryRetryOptions
{
    /// <summary>Attempts per send, the first included. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the second attempt; later delays double (with jitter). Default 1 second.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between attempts, also the cap on a platform's <c>Retry-After</c>. Default 5 minutes.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it is abandoned and counted as a transient failure. Default 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether delays are jittered (decorrelated), so many failed sends do not retry in lockstep. Default on.</summary>
    public bool UseJitter { get; set; } = true;
}
