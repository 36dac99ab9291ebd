using Personalization.Events;
using Personalization.Storage;
using Personalization.Tests.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Storage;

/// <summary>A prefix scan finds exactly the live keys of its kind, however much of the store is on disk.</summary>
public class StoreScanTests
{
    [Test]
    public async Task A_scan_of_a_store_that_spilled_to_disk_finds_every_live_key_of_its_kind_once()
    {
        using var directory = new TempDirectory();
        var store = FasterKeyValueStore.Open(directory.Combine("store"), directory.Combine("checkpoints"), TestPipelines.SmallStore());
        try
        {
            var expected = new HashSet<string>(StringComparer.Ordinal);
            var random = new Random(7);
            using (var session = store.OpenSession())
            {
                // Profiles ('p') updated again and again among other kinds of records ('i', 'u'), with values of every
                // size, until the log is several times the memory budget; some profiles are deleted.
                for (var i = 0; i < 400_000; i++)
                {
                    var user = "user-" + random.Next(60_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
                    var kind = (i % 3) switch { 0 => (byte)'p', 1 => (byte)'i', _ => (byte)'u' };
                    var key = StoreKeys.Create(kind, user);
                    if (kind == (byte)'p' && i % 97 == 0)
                    {
                        session.Delete(key);
                        expected.Remove(user);
                        continue;
                    }

                    session.Upsert(key, new byte[16 + random.Next(400)]);
                    if (kind == (byte)'p')
                    {
                        expected.Add(user);
                    }
                }

                var scanned = session.Scan((byte)'p').Select(pair => StoreKeys.ReadId(pair.Key)).ToList();

                Assert.That(scanned, Is.Unique);
                Assert.That(scanned, Is.EquivalentTo(expected));
            }
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Test]
    public async Task A_pipeline_with_triggers_whose_store_spilled_to_disk_scans_every_profile_once()
    {
        using var directory = new TempDirectory();
        var options = TriggerTestKit.Options(directory.Path, sink: null, shardCount: 2, Personalization.Pipeline.ClockMode.EventTime,
            Trigger.CartAbandonment(), Trigger.BrowseAbandonment());
        await using var pipeline = await TestPipelines.StartAsync(options);
        var random = new Random(11);
        var users = new HashSet<string>(StringComparer.Ordinal);
        for (var batch = 0; batch < 150; batch++)
        {
            var events = new List<SegmentEvent>(1000);
            for (var i = 0; i < 1000; i++)
            {
                var user = "user-" + random.Next(40_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                users.Add(user);
                var at = TestEvents.At((batch * 1000) + i);
                events.Add(i % 4 == 0
                    ? TestEvents.ProductAdded(user, "sku-" + random.Next(500), price: 9.5, at: at)
                    : TestEvents.Track(user, EcommerceEvents.ProductViewed, at));
            }

            await pipeline.IngestBatchAsync(events);
        }

        await pipeline.CompleteReplayAsync();
        var scanned = await PipelineLifecycleTests.ScanAllAsync(pipeline);

        Assert.That(scanned.Select(p => p.UserId), Is.Unique);
        Assert.That(scanned.Select(p => p.UserId), Is.EquivalentTo(users));
    }
}
