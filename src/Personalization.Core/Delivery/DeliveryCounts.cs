namespace Personalization.Delivery;

/// <summary>What delivery did since the pipeline started.</summary>
/// <param name="Rendered">Emails rendered.</param>
/// <param name="Sent">Emails the platform accepted.</param>
/// <param name="Failed">Sends that failed and went to dead letters.</param>
/// <param name="Skipped">Sends skipped (no address, unsubscribed, no profile).</param>
/// <param name="Retried">Attempts that failed and were retried.</param>
/// <param name="Duplicates">Send decisions dropped because the ledger already had their send key.</param>
public readonly record struct DeliveryCounts(long Rendered, long Sent, long Failed, long Skipped, long Retried, long Duplicates);
