namespace Personalization.Delivery;

/// <summary>An email platform refused or failed a send.</summary>
public sealed class EmailDispatchException : Exception
{
    /// <summary>Creates an exception for a failed send.</summary>
    /// <param name="message">What went wrong, as the platform said it (status code and text).</param>
    /// <param name="permanent">Whether another attempt cannot succeed (SMTP 5xx, HTTP 4xx other than 408 and 429).</param>
    /// <param name="retryAfter">How long the platform asked to wait before the next attempt (HTTP <c>Retry-After</c>).</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EmailDispatchException(string message, bool permanent, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Permanent = permanent;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates a transient failure.</summary>
    public EmailDispatchException(string message)
        : this(message, permanent: false)
    {
    }

    /// <summary>Creates a transient failure with an underlying error.</summary>
    public EmailDispatchException(string message, Exception innerException)
        : this(message, permanent: false, retryAfter: null, innerException)
    {
    }

    /// <summary>Creates a transient failure with no message.</summary>
    public EmailDispatchException()
        : this("The email platform failed the send.", permanent: false)
    {
    }

    /// <summary>Whether the failure is permanent: the send is not retried and goes to dead letters at once.</summary>
    public bool Permanent { get; }

    /// <summary>How long the platform asked to wait before the next attempt, if it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
