using Personalization.Events;
using Personalization.Ingest;
using Personalization.Profiles;

namespace Personalization.Samples.Host;

/// <summary>Identity merges as docs/data-quality.md shows them (compiled with the sample).</summary>
internal sealed class LoginHandler(IEventIngestor ingestor, IProfileReader profiles)
{
    // At sign-in: an identify with both ids merges what the visitor did anonymously (cart, counts, pending cart
    // abandonment) into the known user. The visitor's cookie id keeps resolving to the user afterwards.
    public async Task<CustomerProfile?> SignedInAsync(string userId, string anonymousId, string email, CancellationToken cancellationToken)
    {
        var identify = SegmentEvent.Identify(Guid.NewGuid().ToString("N"), userId, DateTimeOffset.UtcNow,
            new Dictionary<string, object?> { ["email"] = email }, anonymousId);
        var result = await ingestor.IngestAsync(identify, cancellationToken);
        if (result.Status == IngestStatus.Rejected)
        {
            throw new InvalidOperationException($"The sign-in event was rejected: {result.ReasonCode}: {result.Message}");
        }

        // Read your own write: after a flush the profile includes the merge, and the anonymous id reads as the user.
        await ingestor.FlushAsync(cancellationToken);
        return await profiles.GetAsync(anonymousId, cancellationToken);
    }
}
