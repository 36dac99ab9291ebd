using Personalization.Internal;

namespace Personalization.Tests.Internal;

public class StableHashTests
{
    [Test]
    public void The_hash_is_fixed_so_users_keep_their_shard_across_restarts_and_machines()
    {
        Assert.Multiple(() =>
        {
            // FNV-1a offset basis: the hash of nothing.
            Assert.That(StableHash.Of(""), Is.EqualTo(2166136261u));
            Assert.That(StableHash.Of("user-42"), Is.EqualTo(StableHash.Of(string.Concat("user-", "42"))));
            Assert.That(StableHash.Of("a"), Is.Not.EqualTo(StableHash.Of("b")));
        });
    }

    [Test]
    public void Users_spread_over_every_shard()
    {
        const int shards = 8;
        var counts = new int[shards];
        for (var i = 0; i < 8000; i++)
        {
            counts[StableHash.Shard("user-" + i, shards)]++;
        }

        Assert.That(counts, Is.All.InRange(700, 1300));
    }

    [TestCase("\u20AC-euro")]
    [TestCase("\U0001F600-emoji")]
    public void Non_ascii_ids_map_to_a_valid_shard(string id)
    {
        Assert.That(StableHash.Shard(id, 7), Is.InRange(0, 6));
    }
}
