using System.Diagnostics;
using System.Globalization;
using Personalization.Delivery;
using Microsoft.Extensions.Logging;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Durability;

/// <summary>Options, workloads and comparable snapshots for the crash and recovery tests.</summary>
public static class DurabilityKit
{
    /// <summary>Test options with <paramref name="mode"/>, periodic checkpoints off (the tests take them), and the built-in
    /// cart abandonment trigger sending to <paramref name="sink"/> when one is given.</summary>
    public static PersonalizationOptions Options(string dataDirectory, DurabilityMode mode, ISendIntentSink? sink = null,
        ClockMode clock = ClockMode.EventTime, int shardCount = 3)
    {
        var options = sink is null
            ? TestPipelines.Options(dataDirectory, shardCount, clock: clock)
            : TriggerTestKit.Options(dataDirectory, sink, shardCount, clock, Trigger.CartAbandonment());
        options.Durability = mode;
        options.CheckpointInterval = TimeSpan.Zero;
        return options;
    }

    public static Task<PersonalizationPipeline> StartAsync(PersonalizationOptions options, TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null) =>
        PersonalizationPipeline.StartNewAsync(options, loggerFactory, time);

    /// <summary>A mixed workload for <paramref name="users"/>: pages, carts and identifies, each event a new messageId, event
    /// times increasing from <paramref name="from"/> seconds after <see cref="TestEvents.T0"/>.</summary>
    public static List<SegmentEvent> Workload(IReadOnlyList<string> users, int perUser, int from)
    {
        var events = new List<SegmentEvent>();
        var second = from;
        for (var i = 0; i < perUser; i++)
        {
            foreach (var user in users)
            {
                var at = TestEvents.At(second++);
                events.Add((i % 3) switch
                {
                    0 => TestEvents.Page(user, "p" + i, at),
                    1 => TestEvents.Identify(user, new Dictionary<string, object?> { ["plan"] = "plan-" + i }, at),
                    _ => TestEvents.Track(user, "Clicked", at),
                });
            }
        }

        return events;
    }

    /// <summary>Every profile as one line (sorted): what a user of the store can see of it.</summary>
    public static async Task<IReadOnlyList<string>> ProfilesAsync(PersonalizationPipeline pipeline)
    {
        var lines = new List<string>();
        await foreach (var profile in pipeline.ScanAsync())
        {
            lines.Add(Describe(profile));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    public static string Describe(CustomerProfile profile) => string.Create(CultureInfo.InvariantCulture,
        $"{profile.UserId}: events={profile.EventCount} pages={profile.PageViews} first={profile.FirstSeen:O} last={profile.LastSeen:O} " +
        $"counts=[{string.Join(",", profile.EventCounts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value))}] " +
        $"traits=[{string.Join(",", profile.Traits.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value))}] " +
        $"cart={profile.CartQuantity} orders={profile.OrderCount}");

    /// <summary>Every pending trigger instance, sorted by user.</summary>
    public static async Task<IReadOnlyList<PendingTrigger>> PendingAsync(PersonalizationPipeline pipeline)
    {
        var pending = new List<PendingTrigger>();
        await foreach (var instance in pipeline.ScanPendingTriggersAsync())
        {
            pending.Add(instance);
        }

        return [.. pending.OrderBy(p => p.UserId, StringComparer.Ordinal).ThenBy(p => p.Trigger, StringComparer.Ordinal)];
    }

    /// <summary>Ingests <paramref name="events"/> one call each (the way most callers do), and returns the verdicts.</summary>
    public static async Task<IReadOnlyList<IngestResult>> IngestOneByOneAsync(PersonalizationPipeline pipeline, IEnumerable<SegmentEvent> events)
    {
        var results = new List<IngestResult>();
        foreach (var @event in events)
        {
            results.Add(await pipeline.IngestAsync(@event));
        }

        return results;
    }

    /// <summary>A pipeline that never crashed, fed <paramref name="events"/>: what the crashed one must look like.</summary>
    public static async Task<(IReadOnlyList<string> Profiles, IReadOnlyList<PendingTrigger> Pending, DateTimeOffset Clock)> ReferenceAsync(
        DurabilityMode mode, IReadOnlyList<SegmentEvent> events, bool withTrigger)
    {
        using var directory = new TempDirectory();
        await using var pipeline = await StartAsync(Options(directory.Path, mode, withTrigger ? new InMemorySendIntentSink() : null));
        await pipeline.IngestBatchAsync(events);
        await pipeline.FlushAsync();
        var result = (await ProfilesAsync(pipeline), await PendingAsync(pipeline), pipeline.Clock);
        await pipeline.StopAsync();
        return result;
    }

    /// <summary>Options in <paramref name="mode"/> with cart abandonment emails rendered and handed to <paramref name="dispatcher"/>.</summary>
    public static PersonalizationOptions WithDelivery(string data, IEmailDispatcher dispatcher, DurabilityMode mode = DurabilityMode.GroupCommit)
    {
        var options = Options(data, mode, sink: null);
        options.Triggers.Add(Trigger.CartAbandonment().Build());
        var delivery = options.Delivery;
        delivery.Dispatcher = dispatcher;
        delivery.Templates.Add(new EmailTemplate(Trigger.CartAbandonmentName, "{{ profile.first_name }}, your cart",
            "<p>Hi {{ profile.first_name }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>"));
        delivery.From = "Shop <news@shop.test>";
        delivery.UnsubscribeUrl = "https://shop.test/unsubscribe?u={user_id}&t={token}";
        delivery.UnsubscribeSigningKey = "secret";
        return options;
    }

    /// <summary>Waits (bounded by <see cref="TestPipelines.Timeout"/>) for what delivery records on its own task; no fixed sleep.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > TestPipelines.Timeout)
            {
                Assert.Fail("The condition did not become true in time.");
            }

            await Task.Delay(10);
        }
    }
}
