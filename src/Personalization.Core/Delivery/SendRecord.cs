namespace Personalization.Delivery;

/// <summary>The send ledger's entry for one send key: how its send ended.</summary>
/// <param name="SendKey">The send key.</param>
/// <param name="Status">Sent, failed or skipped.</param>
/// <param name="Attempts">How many dispatch attempts were made (0 when skipped).</param>
/// <param name="At">When the send ended (the delivery clock).</param>
/// <param name="Reason">Why it failed or was skipped (<see cref="DeliveryReasons"/>); <see langword="null"/> when sent.</param>
/// <param name="Error">The last error's message, when it failed.</param>
public sealed record SendRecord(string SendKey, SendStatus Status, int Attempts, DateTimeOffset At, string? Reason, string? Error);
