using Personalization.Events;
using Personalization.Ingest;
using Personalization.Profiles;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class ScanWhileWritingTests
{
    private static readonly string s_longName = new('n', 900);

    [Test]
    public async Task Events_can_be_ingested_and_flushed_while_a_scan_is_open()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 2);
        await pipeline.IngestBatchAsync(Enumerable.Range(0, 100).Select(u => TestEvents.Track("user-" + u, "Clicked")).ToArray());
        await pipeline.FlushAsync();

        var scanned = new List<CustomerProfile>();
        await foreach (var profile in pipeline.ScanAsync())
        {
            if (scanned.Count == 0)
            {
                // Enough new data to turn the store's in-memory pages over while the scan is suspended.
                for (var start = 0; start < 20_000; start += 1000)
                {
                    var results = await pipeline.IngestBatchAsync(Enumerable.Range(start, 1000).Select(LongProfileEvent).ToArray())
                        .AsTask().WaitAsync(TestPipelines.Timeout);
                    Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
                }

                await pipeline.FlushAsync().AsTask().WaitAsync(TestPipelines.Timeout);
            }

            scanned.Add(profile);
        }

        Assert.That(scanned.Select(p => p.UserId), Is.SupersetOf(Enumerable.Range(0, 100).Select(u => "user-" + u)));
        Assert.That((await pipeline.GetAsync("other-19999"))?.EventCount, Is.EqualTo(1));
    }

    private static SegmentEvent LongProfileEvent(int u) =>
        TestEvents.Track("other-" + u, EcommerceEvents.ProductAdded, properties: new Dictionary<string, object?>
        {
            ["product_id"] = "long",
            ["name"] = s_longName,
        });
}
