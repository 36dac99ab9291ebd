using System.Text;
using Microsoft.Extensions.Hosting;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Profiles;

namespace Personalization.Samples.Host;

/// <summary>Plays one shopper's visit into the engine, prints the shopper's profile, then stops the host.</summary>
internal sealed class ShopperSession(
    IEventIngestor ingestor, IProfileReader profiles, TimeProvider time, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await PlayVisitAsync(stoppingToken);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task PlayVisitAsync(CancellationToken cancellationToken)
    {
        const string userId = "user-42";
        var now = time.GetUtcNow();
        var monopoly = new Product("sku-monopoly", Price: 18.99m, Quantity: 1, Name: "Monopoly", Brand: "Hasbro", Category: "Games");
        var uno = new Product("sku-uno", Price: 7.49m, Quantity: 2, Name: "Uno", Brand: "Mattel", Category: "Games");

        // Typed events. Every event needs a unique messageId: a retry with the same id is a duplicate.
        var results = await ingestor.IngestBatchAsync(
        [
            SegmentEvent.Identify(NewId(), userId, now, new Dictionary<string, object?>
            {
                ["email"] = "peter@example.com",
                ["first_name"] = "Peter",
            }),
            Ecommerce.ProductViewed(NewId(), userId, now.AddSeconds(5), monopoly),
            Ecommerce.ProductAdded(NewId(), userId, now.AddSeconds(9), monopoly),
            Ecommerce.ProductAdded(NewId(), userId, now.AddSeconds(14), uno),
        ], cancellationToken);
        Print(results);

        // Segment JSON, as a browser or server library sends it.
        var json = $$"""
            {"type": "track", "event": "Product Removed", "messageId": "{{NewId()}}", "userId": "{{userId}}",
             "timestamp": "{{now.AddSeconds(20):O}}", "properties": {"product_id": "sku-uno", "quantity": 1}
            }
            """;
        Print([await ingestor.IngestAsync(Encoding.UTF8.GetBytes(json), cancellationToken)]);

        // A retry of an event already taken, and an event without a user: neither changes the profile.
        var retry = Ecommerce.ProductViewed(NewId(), userId, now.AddSeconds(25), uno);
        Print([await ingestor.IngestAsync(retry, cancellationToken), await ingestor.IngestAsync(retry, cancellationToken)]);
        Print([await ingestor.IngestAsync(Encoding.UTF8.GetBytes("""{"type": "page", "messageId": "m-1", "timestamp": "2026-11-29T10:00:00Z"}"""), cancellationToken)]);

        // Accepted events are applied shortly after the call returns; flush to read your own writes.
        await ingestor.FlushAsync(cancellationToken);
        var profile = await profiles.GetAsync(userId, cancellationToken);
        if (profile is null)
        {
            Console.WriteLine($"No profile for {userId}.");
            return;
        }

        Console.WriteLine($"{profile.UserId} <{profile.Email}>: {profile.EventCount} events since {profile.FirstSeen:u}");
        foreach (var line in profile.Cart)
        {
            Console.WriteLine($"  cart: {line.Quantity} x {line.Name} at {line.Price}");
        }

        Console.WriteLine($"  {profile.CartQuantity} item(s) worth {profile.CartValue} in the cart, {profile.OrderCount} order(s)");
    }

    private static string NewId() => Guid.NewGuid().ToString();

    private static void Print(IReadOnlyList<IngestResult> results)
    {
        foreach (var result in results)
        {
            Console.WriteLine(result.Status == IngestStatus.Rejected
                ? $"Rejected: {result.ReasonCode}: {result.Message}"
                : $"{result.Status} {result.MessageId}");
        }
    }
}
