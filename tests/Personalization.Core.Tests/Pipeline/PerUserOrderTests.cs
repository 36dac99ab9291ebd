using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class PerUserOrderTests
{
    private const int Producers = 8;
    private const int Users = 500;

    [Test]
    public async Task Concurrent_producers_keep_every_users_events_in_send_order()
    {
        using var directory = new TempDirectory();
        var evaluator = new RecordingEvaluator();
        var options = TestPipelines.Options(directory.Path, shardCount: 4, evaluator);
        options.ChannelCapacity = 64; // small queues, so producers really contend and wait
        await using var pipeline = await TestPipelines.StartAsync(options);

        var sent = Enumerable.Range(0, Users).Select(u => EventsOf("user-" + u, u)).ToArray();
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            // Each producer owns the users u with u % Producers == p, and interleaves them step by step.
            var mine = sent.Where((_, u) => u % Producers == p).ToArray();
            for (var step = 0; step < mine[0].Length; step++)
            {
                foreach (var events in mine)
                {
                    var result = await pipeline.IngestAsync(events[step]);
                    Assert.That(result.Status, Is.EqualTo(Ingest.IngestStatus.Accepted), result.ToString());
                }
            }
        })).ToArray();
        await Task.WhenAll(producers).WaitAsync(TestPipelines.Timeout);
        await pipeline.FlushAsync().AsTask().WaitAsync(TestPipelines.Timeout);

        for (var u = 0; u < Users; u++)
        {
            var userId = "user-" + u;
            var profile = await pipeline.GetAsync(userId);
            Assert.That(profile, Is.Not.Null, userId);
            Assert.Multiple(() =>
            {
                Assert.That(evaluator.MessageIdsOf(userId), Is.EqualTo(sent[u].Select(e => e.MessageId)), userId);
                Assert.That(profile!.EventCount, Is.EqualTo(sent[u].Length), userId);
                Assert.That(profile.EventCounts, Is.EquivalentTo(new Dictionary<string, long>
                {
                    [EcommerceEvents.ProductViewed] = 2,
                    [EcommerceEvents.ProductAdded] = 3,
                    [EcommerceEvents.ProductRemoved] = 2,
                    ["Signed In"] = 1,
                }), userId);
                Assert.That(profile.PageViews, Is.EqualTo(1), userId);
                Assert.That(profile.FirstSeen, Is.EqualTo(sent[u][0].Timestamp), userId);
                Assert.That(profile.LastSeen, Is.EqualTo(sent[u][^1].Timestamp), userId);
                Assert.That(profile.Cart.Select(i => (i.ProductId, i.Quantity)), Is.EquivalentTo(new[] { ("p1", 1), ("p3", 3) }), userId);
            });
        }

        var scanned = new List<CustomerProfile>();
        await foreach (var profile in pipeline.ScanAsync())
        {
            scanned.Add(profile);
        }

        Assert.That(scanned.Select(p => p.UserId), Is.EquivalentTo(Enumerable.Range(0, Users).Select(u => "user-" + u)));
    }

    // Ten events per user with increasing timestamps; the cart ends as p1 x1 and p3 x3.
    private static SegmentEvent[] EventsOf(string userId, int user)
    {
        var start = TestEvents.T0.AddMilliseconds(user);
        var second = 0;
        DateTimeOffset Next() => start.AddSeconds(second++);
        return
        [
            TestEvents.Page(userId, "Home", Next()),
            TestEvents.Track(userId, EcommerceEvents.ProductViewed, Next()),
            TestEvents.ProductAdded(userId, "p1", quantity: 2, price: 10, at: Next()),
            TestEvents.Track(userId, "Signed In", Next()),
            TestEvents.ProductAdded(userId, "p2", at: Next()),
            TestEvents.Track(userId, EcommerceEvents.ProductViewed, Next()),
            TestEvents.ProductRemoved(userId, "p1", quantity: 1, at: Next()),
            TestEvents.ProductAdded(userId, "p3", quantity: 3, at: Next()),
            TestEvents.ProductRemoved(userId, "p2", at: Next()),
            TestEvents.Identify(userId, new Dictionary<string, object?> { ["email"] = userId + "@example.com" }, Next()),
        ];
    }
}
