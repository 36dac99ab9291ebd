using System.Globalization;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class ProfileCacheTests
{
    [Test]
    public void A_profile_set_is_found_again_and_a_removed_one_is_not()
    {
        var cache = new ProfileCache(capacity: 8);
        var ada = Profile("ada");
        cache.Set("ada", ada);

        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet("ada", out var found), Is.True);
            Assert.That(found, Is.SameAs(ada));
            Assert.That(cache.TryGet("bo", out _), Is.False);
        });

        cache.Remove("ada");
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet("ada", out _), Is.False);
            Assert.That((cache.Hits, cache.Misses), Is.EqualTo((1L, 2L)));
        });
    }

    [Test]
    public void The_least_recently_used_profiles_go_first_and_at_most_capacity_are_kept()
    {
        var cache = new ProfileCache(capacity: 4);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            cache.Set(id, Profile(id));
        }

        // "a" is used again: it moves back to the young generation, so "b" goes before it.
        Assert.That(cache.TryGet("a", out _), Is.True);
        cache.Set("e", Profile("e"));
        cache.Set("f", Profile("f"));

        var kept = new[] { "a", "b", "c", "d", "e", "f" }.Where(id => cache.TryGet(id, out _)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(kept, Does.Contain("a"));
            Assert.That(kept, Does.Contain("f"));
            Assert.That(kept, Does.Not.Contain("b"));
            Assert.That(kept, Has.Length.LessThanOrEqualTo(4));
        });
    }

    [Test]
    public void A_capacity_of_zero_keeps_nothing()
    {
        var cache = new ProfileCache(capacity: 0);
        cache.Set("ada", Profile("ada"));

        Assert.That(cache.TryGet("ada", out _), Is.False);
    }

    [Test]
    public void A_negative_capacity_is_refused()
    {
        Assert.That(() => new ProfileCache(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    // The cache must never change what is stored: the same traffic (visits, cart changes, orders, anonymous visitors
    // merged on identify across shards, an erasure) gives byte-identical profiles with the cache off, with a cache so
    // small that it evicts all the time, and with the default one.
    [TestCase(2)]
    [TestCase(2048)]
    public async Task Profiles_are_the_same_with_and_without_the_cache(int cacheSize)
    {
        var events = Traffic(users: 120, seed: 7);
        var without = await StoredProfilesAsync(events, cacheSize: 0);
        var with = await StoredProfilesAsync(events, cacheSize);

        Assert.Multiple(() =>
        {
            Assert.That(with.Keys, Is.EquivalentTo(without.Keys));
            foreach (var (id, bytes) in without)
            {
                Assert.That(with[id], Is.EqualTo(bytes), id);
            }

            Assert.That(without, Does.Not.ContainKey("user-0003"), "the erased user stays erased");
            Assert.That(without.Keys.Count(id => id.StartsWith("anon", StringComparison.Ordinal)), Is.Zero,
                "every anonymous visitor was merged into their user");
        });
    }

    private static async Task<Dictionary<string, string>> StoredProfilesAsync(IReadOnlyList<SegmentEvent> events, int cacheSize)
    {
        using var directory = new TempDirectory();
        var options = TestPipelines.Options(directory.Path, shardCount: 3);
        options.Store.ProfileCacheSize = cacheSize;
        await using var pipeline = await TestPipelines.StartAsync(options);
        foreach (var chunk in events.Chunk(50))
        {
            var results = await pipeline.IngestBatchAsync(chunk);
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(Ingest.IngestStatus.Accepted));
        }

        await pipeline.EraseUserAsync("user-0003");
        await pipeline.FlushAsync();
        var profiles = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var profile in pipeline.ScanAsync())
        {
            profiles[profile.UserId] = Convert.ToBase64String(Serialize(profile));
        }

        return profiles;
    }

    private static byte[] Serialize(CustomerProfile profile)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        ProfileSerializer.Serialize(buffer, profile);
        return buffer.WrittenSpan.ToArray();
    }

    // Each user browses anonymously, adds and removes products, identifies (which merges the anonymous visitor), goes
    // on as the user, comes back from a second device and sometimes orders; users interleave, so a small cache keeps evicting.
    private static List<SegmentEvent> Traffic(int users, int seed)
    {
        var random = new Random(seed);
        var perUser = new List<Queue<SegmentEvent>>();
        var second = 0;
        for (var u = 0; u < users; u++)
        {
            var user = "user-" + u.ToString("D4", CultureInfo.InvariantCulture);
            var anonymous = "anon-" + u.ToString("D4", CultureInfo.InvariantCulture);
            var queue = new Queue<SegmentEvent>();
            for (var i = 0; i < random.Next(1, 5); i++)
            {
                queue.Enqueue(Anonymous(anonymous, "p" + random.Next(20).ToString(CultureInfo.InvariantCulture), TestEvents.At(second++)));
            }

            queue.Enqueue(TestEvents.Identify(user, new Dictionary<string, object?> { ["email"] = user + "@example.com" },
                TestEvents.At(second++), anonymous));
            for (var i = 0; i < random.Next(2, 9); i++)
            {
                var product = "p" + random.Next(20).ToString(CultureInfo.InvariantCulture);
                queue.Enqueue(random.Next(4) switch
                {
                    0 => TestEvents.ProductRemoved(user, product, at: TestEvents.At(second++)),
                    1 => TestEvents.Page(user, at: TestEvents.At(second++)),
                    _ => TestEvents.ProductAdded(user, product, quantity: random.Next(1, 3), price: 10 + random.Next(50), at: TestEvents.At(second++)),
                });
            }

            // A second device: another anonymous visit, merged into the user's existing (cached) profile.
            var secondDevice = "anon2-" + u.ToString("D4", CultureInfo.InvariantCulture);
            queue.Enqueue(Anonymous(secondDevice, "p" + random.Next(20).ToString(CultureInfo.InvariantCulture), TestEvents.At(second++)));
            queue.Enqueue(TestEvents.Identify(user, new Dictionary<string, object?> { ["plan"] = "gold" }, TestEvents.At(second++), secondDevice));
            if (random.Next(3) == 0)
            {
                queue.Enqueue(TestEvents.OrderCompleted(user, new Dictionary<string, object?> { ["total"] = 42.5 }, TestEvents.At(second++)));
            }

            perUser.Add(queue);
        }

        var events = new List<SegmentEvent>();
        while (perUser.Any(q => q.Count > 0))
        {
            var queue = perUser[random.Next(perUser.Count)];
            if (queue.Count > 0)
            {
                events.Add(queue.Dequeue());
            }
        }

        return events;
    }

    private static SegmentEvent Anonymous(string anonymousId, string productId, DateTimeOffset at) => new()
    {
        MessageId = TestEvents.NewId(),
        Type = SegmentEventType.Track,
        AnonymousId = anonymousId,
        Event = EcommerceEvents.ProductViewed,
        Timestamp = at,
        Properties = new Dictionary<string, object?> { ["product_id"] = productId, ["price"] = 12.5 },
    };

    private static CustomerProfile Profile(string id) => new() { UserId = id };
}
