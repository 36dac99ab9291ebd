using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Samples.Host;

/// <summary>Validation, tracking plans and upcasting in <c>Program.cs</c>, exactly as docs/data-quality.md shows them (compiled with the sample).</summary>
internal static class DataQualityExamples
{
    // Limits and checks at ingest, every one spelled out with its default but two: a 5-minute future skew for a
    // fleet of servers with synchronized clocks, and one more placeholder id that this shop's old app sends.
    public static void Validation(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .ConfigureValidation(v =>
            {
                v.MaxEventBytes = 32_768;
                v.MaxProperties = 1_000;
                v.MaxDepth = 32;
                v.MaxStringLength = 8_192;
                v.MaxFutureSkew = TimeSpan.FromMinutes(5); // null turns the check off
                v.JunkIds.Add("guest");
            }));

    // A tracking plan: "Order Completed" must have an order id and a non-negative revenue, or it is rejected;
    // "Product Viewed" should have a product id, but events without one are still taken, flagged.
    public static void TrackingPlan(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .ConfigureValidation(v => v
                .AddSchema(EcommerceEvents.OrderCompleted, """
                    {
                      "type": "object",
                      "required": ["order_id", "revenue"],
                      "properties": {
                        "order_id": { "type": "string", "minLength": 1 },
                        "revenue": { "type": "number", "minimum": 0 }
                      }
                    }
                    """)
                .AddSchema(EcommerceEvents.ProductViewed, """{ "required": ["product_id"] }""", SchemaViolationAction.Flag)
                .AddSchema(SegmentEventType.Identify, """{ "properties": { "email": { "type": "string", "format": "email" } } }""")));

    // Version 2 of the event schema renamed "sku" to "product_id" and sends prices with a decimal point. Version-1
    // events from old app builds are upcast before they are checked, so the rest of the engine sees version 2 only.
    public static void Upcasting(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .ConfigureValidation(v =>
            {
                v.SchemaVersion = 2;
                v.AddUpcaster(fromVersion: 1, UpcastV1ToV2);
            }));

    private static JsonObject UpcastV1ToV2(JsonObject e)
    {
        if (e["properties"] is JsonObject properties)
        {
            if (properties["sku"] is { } sku)
            {
                properties.Remove("sku");
                properties["product_id"] = sku.DeepClone();
            }

            // "12,50" -> "12.50": amounts may be numeric strings with a decimal point.
            if (properties["price"] is JsonValue price && price.TryGetValue<string>(out var text))
            {
                properties["price"] = text.Replace(',', '.');
            }
        }

        return e;
    }
}
