using System.Buffers;
using MessagePack;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Tests.Support;

namespace Personalization.Tests.Profiles;

/// <summary>
/// Stored profiles carry their schema version and are migrated when read. Version 1 is frozen here as it was stored
/// (the shape of <see cref="CustomerProfile"/> before version 2), so these tests read records exactly as the previous
/// version of the engine wrote them.
/// </summary>
public class ProfileMigrationTests
{
    private static readonly DateTimeOffset s_first = new(2019, 10, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_last = new(2019, 10, 3, 9, 30, 0, TimeSpan.Zero);

    [Test]
    public void A_version_1_profile_reads_as_the_current_version_with_its_cart_time_derived()
    {
        var withCart = ProfileSerializer.Deserialize(V1Bytes(V1("u1", cart: true)));
        var withoutCart = ProfileSerializer.Deserialize(V1Bytes(V1("u2", cart: false)));

        Assert.Multiple(() =>
        {
            Assert.That(withCart.SchemaVersion, Is.EqualTo(CustomerProfile.CurrentSchemaVersion).And.EqualTo(2));
            Assert.That(withCart.UserId, Is.EqualTo("u1"));
            Assert.That(withCart.FirstSeen, Is.EqualTo(s_first));
            Assert.That(withCart.LastSeen, Is.EqualTo(s_last));
            Assert.That(withCart.Cart.Single().ProductId, Is.EqualTo("p-100"));
            Assert.That(withCart.Cart.Single().Price, Is.EqualTo(12.5m));
            Assert.That(withCart.TotalSpent, Is.EqualTo(99.9m));
            Assert.That(withCart.Email, Is.EqualTo("u1@example.com"));
            Assert.That(withCart.EventCounts["Product Added"], Is.EqualTo(3));
            Assert.That(withCart.CartUpdatedAt, Is.EqualTo(s_last), "the best a v1 record tells: its last event");
            Assert.That(withCart.MergedIds, Is.Empty);
            Assert.That(withoutCart.CartUpdatedAt, Is.Null, "no cart, no cart time");
        });
    }

    [Test]
    public void A_profile_from_a_newer_version_is_refused_with_a_clear_message()
    {
        var record = V1("u1", cart: false);
        record.SchemaVersion = 9;

        var error = Assert.Throws<InvalidDataException>(() => ProfileSerializer.Deserialize(V1Bytes(record)));
        Assert.That(error!.Message, Does.Contain("schema version 9").And.Contain("newer version"));
    }

    [Test]
    public async Task A_store_written_by_profile_version_1_opens_and_its_profiles_are_migrated_and_written_back()
    {
        using var directory = new TempDirectory();
        await WriteVersion1StoreAsync(directory, V1("u1", cart: true), V1("u2", cart: false));

        var options = TestPipelines.Options(directory.Path, shardCount: 2);
        options.Store = TestPipelines.SmallStore();
        await using (var pipeline = await TestPipelines.StartAsync(options))
        {
            var u2 = await pipeline.GetAsync("u2");
            Assert.That(u2!.SchemaVersion, Is.EqualTo(2));
            Assert.That(u2.EventCount, Is.EqualTo(5));

            await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p-200", price: 3.0, at: s_last.AddHours(1)));
            await pipeline.FlushAsync();
            var u1 = await pipeline.GetAsync("u1");
            Assert.Multiple(() =>
            {
                Assert.That(u1!.SchemaVersion, Is.EqualTo(2));
                Assert.That(u1.EventCount, Is.EqualTo(6), "the event applied on top of the migrated record");
                Assert.That(u1.Cart.Select(line => line.ProductId), Is.EqualTo(new[] { "p-100", "p-200" }));
                Assert.That(u1.CartUpdatedAt, Is.EqualTo(s_last.AddHours(1)));
                Assert.That(u1.FirstSeen, Is.EqualTo(s_first));
            });
        }

        // The updated profile was written back in the current shape; the untouched one is still a v1 record on disk.
        Assert.That(await StoredVersionsAsync(directory), Is.EqualTo(new Dictionary<string, int> { ["u1"] = 2, ["u2"] = 1 }));
    }

    private static ProfileV1 V1(string userId, bool cart) => new()
    {
        SchemaVersion = 1,
        UserId = userId,
        AnonymousIds = ["a-" + userId],
        FirstSeen = s_first,
        LastSeen = s_last,
        EventCounts = new() { ["Product Added"] = 3, ["Order Completed"] = 1 },
        Cart = cart ? [new CartItemV1 { ProductId = "p-100", Quantity = 2, Price = 12.5m, Name = "Kettle" }] : [],
        OrderCount = 1,
        TotalSpent = 99.9m,
        Traits = new() { ["email"] = userId + "@example.com", ["vip"] = true },
        EventCount = 5,
        PageViews = 1,
        LastOrderAt = s_first.AddDays(1),
    };

    private static byte[] V1Bytes(ProfileV1 profile) => MessagePackSerializer.Serialize(profile, MessagePackSerializerOptions.Standard);

    private static async Task WriteVersion1StoreAsync(TempDirectory directory, params ProfileV1[] profiles)
    {
        var store = FasterKeyValueStore.Open(directory.Combine("store"), directory.Combine("checkpoints"), TestPipelines.SmallStore());
        try
        {
            using (var session = store.OpenSession())
            {
                foreach (var profile in profiles)
                {
                    session.Upsert(StoreKeys.Create(StoreKeys.Profile, profile.UserId), V1Bytes(profile));
                }
            }

            await store.CheckpointAsync(CancellationToken.None);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, int>> StoredVersionsAsync(TempDirectory directory)
    {
        var store = FasterKeyValueStore.Open(directory.Combine("store"), directory.Combine("checkpoints"), TestPipelines.SmallStore());
        try
        {
            using var session = store.OpenSession();
            var versions = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, value) in session.Scan(StoreKeys.Profile))
            {
                var reader = new MessagePackReader(value);
                reader.ReadArrayHeader();
                versions[StoreKeys.ReadId(key)] = reader.ReadInt32();
            }

            return versions;
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>The stored shape of a profile at schema version 1, frozen.</summary>
    [MessagePackObject]
    public sealed class ProfileV1
    {
        [Key(0)] public int SchemaVersion { get; set; }
        [Key(1)] public string UserId { get; set; } = "";
        [Key(2)] public List<string> AnonymousIds { get; set; } = [];
        [Key(3)] public DateTimeOffset FirstSeen { get; set; }
        [Key(4)] public DateTimeOffset LastSeen { get; set; }
        [Key(5)] public Dictionary<string, long> EventCounts { get; set; } = [];
        [Key(6)] public List<CartItemV1> Cart { get; set; } = [];
        [Key(7)] public long OrderCount { get; set; }
        [Key(8)] public decimal TotalSpent { get; set; }
        [Key(9)] public Dictionary<string, object> Traits { get; set; } = [];
        [Key(10)] public long EventCount { get; set; }
        [Key(11)] public long PageViews { get; set; }
        [Key(12)] public DateTimeOffset? LastOrderAt { get; set; }
    }

    /// <summary>A cart line at profile schema version 1, frozen.</summary>
    [MessagePackObject]
    public sealed class CartItemV1
    {
        [Key(0)] public string ProductId { get; set; } = "";
        [Key(1)] public int Quantity { get; set; }
        [Key(2)] public decimal? Price { get; set; }
        [Key(3)] public string? Name { get; set; }
        [Key(4)] public string? Brand { get; set; }
        [Key(5)] public string? Category { get; set; }
    }
}
