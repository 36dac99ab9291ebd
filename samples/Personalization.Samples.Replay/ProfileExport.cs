using System.Globalization;
using System.Text.Json;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Profiles;

namespace Personalization.Samples.Replay;

/// <summary>Counts the stored profiles and, when asked, writes each as one JSON object per line, sorted by user id.</summary>
internal static class ProfileExport
{
    private static readonly JsonWriterOptions s_options = new() { Indented = false, SkipValidation = false };

    public static async Task<long> CountAsync(PersonalizationPipeline pipeline, Stream? output)
    {
        if (output is null)
        {
            long count = 0;
            await foreach (var _ in pipeline.ScanAsync())
            {
                count++;
            }

            return count;
        }

        // The scan walks the store's log, whose order depends on how the shards interleaved: sorted by user id, two
        // stores with the same profiles give the same file, line by line. Only the ids are held in memory; each
        // profile is read again by its id.
        var userIds = new List<string>();
        await foreach (var profile in pipeline.ScanAsync())
        {
            userIds.Add(profile.UserId);
        }

        userIds.Sort(StringComparer.Ordinal);
        await using var writer = new Utf8JsonWriter(output, s_options);
        foreach (var userId in userIds)
        {
            var profile = await pipeline.GetAsync(userId)
                ?? throw new InvalidOperationException($"The profile of '{userId}' was scanned but cannot be read.");
            Write(writer, profile);
            await writer.FlushAsync();
            writer.Reset();
            output.WriteByte((byte)'\n');
        }

        await output.FlushAsync();
        return userIds.Count;
    }

    /// <summary>Writes one profile as a JSON object with snake_case keys.</summary>
    public static void Write(Utf8JsonWriter writer, CustomerProfile profile)
    {
        writer.WriteStartObject();
        writer.WriteString("user_id", profile.UserId);
        writer.WriteStartArray("anonymous_ids");
        foreach (var id in profile.AnonymousIds)
        {
            writer.WriteStringValue(id);
        }

        writer.WriteEndArray();
        writer.WriteString("first_seen", Iso(profile.FirstSeen));
        writer.WriteString("last_seen", Iso(profile.LastSeen));
        writer.WriteNumber("event_count", profile.EventCount);
        writer.WriteStartObject("event_counts");
        foreach (var (name, value) in profile.EventCounts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(name, value);
        }

        writer.WriteEndObject();
        writer.WriteNumber("page_views", profile.PageViews);
        writer.WriteStartArray("cart_items");
        foreach (var item in profile.Cart)
        {
            writer.WriteStartObject();
            writer.WriteString("product_id", item.ProductId);
            writer.WriteNumber("quantity", item.Quantity);
            if (item.Price is { } price)
            {
                writer.WriteNumber("price", price);
            }
            else
            {
                writer.WriteNull("price");
            }

            WriteIfPresent(writer, "name", item.Name);
            WriteIfPresent(writer, "brand", item.Brand);
            WriteIfPresent(writer, "category", item.Category);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("cart_value", profile.CartValue);
        writer.WriteNumber("orders", profile.OrderCount);
        writer.WriteNumber("total_spent", profile.TotalSpent);
        if (profile.LastOrderAt is { } lastOrder)
        {
            writer.WriteString("last_order_at", Iso(lastOrder));
        }
        else
        {
            writer.WriteNull("last_order_at");
        }

        writer.WritePropertyName("traits");
        writer.WriteStartObject();
        foreach (var (name, value) in profile.Traits.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            SegmentJson.WriteValue(writer, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>ISO-8601 in UTC with a Z, without a fraction when there is none: 2019-10-01T00:00:00Z.</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
