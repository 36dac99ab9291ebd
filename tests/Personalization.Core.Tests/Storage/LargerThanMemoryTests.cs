using Personalization.Events;
using Personalization.Ingest;
using Personalization.Tests.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Storage;

public class LargerThanMemoryTests
{
    private const int Users = 20_000;

    // About 1 KB per profile, so 20,000 profiles are well beyond the 16 MiB memory budget and spill to disk.
    private static readonly string s_longName = new('n', 900);

    [Test]
    public async Task Profiles_beyond_the_memory_budget_spill_to_disk_and_stay_readable_and_updatable()
    {
        using var directory = new TempDirectory();
        var options = TestPipelines.Options(directory.Path, shardCount: 2);
        await using (var pipeline = await TestPipelines.StartAsync(options))
        {
            await IngestAllAsync(pipeline, u => AddLongProduct("user-" + u, TestEvents.At(u)));
            await pipeline.FlushAsync();

            // The earliest profiles are on disk by now: reading and updating them goes through FASTER's pending I/O.
            var firstBefore = await pipeline.GetAsync("user-0");
            await pipeline.IngestBatchAsync(Enumerable.Range(0, 100).Select(u => TestEvents.ProductAdded("user-" + u, "small")).ToArray());
            await pipeline.FlushAsync();
            var first = await pipeline.GetAsync("user-0");
            var last = await pipeline.GetAsync("user-" + (Users - 1));
            var scanned = await PipelineLifecycleTests.ScanAllAsync(pipeline);

            Assert.Multiple(() =>
            {
                Assert.That(firstBefore!.Cart.Single().Name, Is.EqualTo(s_longName));
                Assert.That(first!.EventCount, Is.EqualTo(2));
                Assert.That(first.Cart.Select(i => i.ProductId), Is.EqualTo(new[] { "long", "small" }));
                Assert.That(last!.EventCount, Is.EqualTo(1));
                Assert.That(scanned, Has.Count.EqualTo(Users));
                Assert.That(scanned.Sum(p => p.EventCount), Is.EqualTo(Users + 100));
            });
        }

        await using var reopened = await TestPipelines.StartAsync(options);
        var recovered = await reopened.GetAsync("user-0");
        var recoveredScan = await PipelineLifecycleTests.ScanAllAsync(reopened);
        Assert.Multiple(() =>
        {
            Assert.That(recovered!.EventCount, Is.EqualTo(2));
            Assert.That(recoveredScan, Has.Count.EqualTo(Users));
        });
    }

    private static async Task IngestAllAsync(Personalization.Pipeline.PersonalizationPipeline pipeline, Func<int, SegmentEvent> create)
    {
        const int batch = 1000;
        for (var start = 0; start < Users; start += batch)
        {
            var results = await pipeline.IngestBatchAsync(Enumerable.Range(start, batch).Select(create).ToArray());
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
        }
    }

    private static SegmentEvent AddLongProduct(string userId, DateTimeOffset at) =>
        TestEvents.Track(userId, EcommerceEvents.ProductAdded, at, properties: new Dictionary<string, object?>
        {
            ["product_id"] = "long",
            ["name"] = s_longName,
        });
}
