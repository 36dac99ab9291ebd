using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Triggers;

// Collects the send decisions in memory; a real host hands them to delivery.
var sink = new InMemorySendIntentSink();
var dataDirectory = Path.Combine(Path.GetTempPath(), $"personalization-triggers-{Guid.NewGuid():N}");

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddPersonalization(p => p
    .UseDataDirectory(dataDirectory)
    .UseEventTime()                                    // a replay: the clock is the events' timestamps
    .AddTrigger(Trigger.CartAbandonment())             // Product Added + 1 h, restarted by Product Added
    .AddTrigger(Trigger.When("review_request", EcommerceEvents.OrderCompleted)
        .If((order, profile) => profile.TotalSpent >= 50m)
        .After(TimeSpan.FromDays(2))
        .CancelOn("Order Refunded")
        .SendTemplate("review"))
    .UseSendSink(sink));

using var host = builder.Build();
await host.StartAsync();

var ingestor = host.Services.GetRequiredService<IEventIngestor>();
var start = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
SegmentEvent[] events =
[
    AddToCart("m-1", start, "sku-1", 19.99),                          // enters cart_abandonment, due 11:00
    AddToCart("m-2", start.AddMinutes(20), "sku-2", 24.99),           // restarts it: due 11:20
    SegmentEvent.Page("m-3", "user-42", "Home", start.AddHours(2)),   // 12:00: the 11:20 timer fires first
    AddToCart("m-4", start.AddHours(2.5), "sku-3", 9.99),             // a new instance, due 13:30
    SegmentEvent.Track("m-5", "user-42", EcommerceEvents.OrderCompleted, start.AddHours(2.75),
        new Dictionary<string, object?> { ["order_id"] = "o-1", ["revenue"] = 54.97 }),
                                                                      // cancels it; enters review_request
    AddToCart("m-6", start.AddHours(3), "sku-4", 5.00),               // enters again, due 14:00
];
foreach (var result in await ingestor.IngestBatchAsync(events))
{
    Console.WriteLine($"ingest: {result}");
}

// The end of the replay: every pending timer resolves. The 14:00 cart instance is within 24 h of the 11:20 send,
// so the re-entry policy suppresses it; the review request fires two days after the order.
await host.Services.GetRequiredService<PersonalizationPipeline>().CompleteReplayAsync();

foreach (var intent in sink.Intents)
{
    Console.WriteLine($"send: {intent.SendKey} template={intent.Template} due={intent.Due:u} [{string.Join(", ", intent.Reasons)}]");
}

foreach (var (trigger, counts) in host.Services.GetRequiredService<PersonalizationPipeline>().TriggerCounts)
{
    Console.WriteLine($"{trigger}: {counts}");
}

await host.StopAsync();                                               // drains, checkpoints and closes the store
Directory.Delete(dataDirectory, recursive: true);

static SegmentEvent AddToCart(string messageId, DateTimeOffset timestamp, string productId, double price) =>
    SegmentEvent.Track(messageId, "user-42", EcommerceEvents.ProductAdded, timestamp,
        new Dictionary<string, object?> { ["product_id"] = productId, ["price"] = price, ["quantity"] = 1 });
