namespace Personalization.Delivery;

/// <summary>Where one send stands in the send ledger.</summary>
public enum SendStatus
{
    /// <summary>The platform accepted the email.</summary>
    Sent = 1,

    /// <summary>Every attempt failed, or one failed permanently: the send is in dead letters with its last error.</summary>
    Failed = 2,

    /// <summary>Delivery did not send, for a reason such as <c>no_address</c> or <c>unsubscribed</c>.</summary>
    Skipped = 3,
}
