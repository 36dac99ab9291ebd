using System.Collections.Concurrent;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class ProfileReadTests
{
    [Test]
    public async Task Nested_traits_read_back_as_the_json_types_that_were_sent()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        await pipeline.IngestAsync(TestEvents.Utf8("""
            {"type":"identify","messageId":"i-1","userId":"u1","timestamp":"2026-03-01T12:00:00Z",
             "traits":{"email":"u1@example.com","age":41,"score":0.5,"address":{"city":"Berlin","zip":10115},"tags":["a","b"]}}
            """));
        await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.At(1)));
        await pipeline.FlushAsync();

        var traits = (await pipeline.GetAsync("u1"))!.Traits;
        Assert.Multiple(() =>
        {
            Assert.That(traits["email"], Is.EqualTo("u1@example.com"));
            Assert.That(traits["age"], Is.TypeOf<long>().And.EqualTo(41L));
            Assert.That(traits["score"], Is.TypeOf<double>().And.EqualTo(0.5));
            Assert.That(traits["address"], Is.InstanceOf<IReadOnlyDictionary<string, object?>>());
            Assert.That(((IReadOnlyDictionary<string, object?>)traits["address"]!)["zip"], Is.EqualTo(10115L));
            Assert.That(traits["tags"], Is.EqualTo(new[] { "a", "b" }));
        });
    }

    [Test]
    public async Task A_profile_read_is_a_snapshot_that_changes_nothing_stored()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1"));
        await pipeline.FlushAsync();

        var snapshot = await pipeline.GetAsync("u1");
        snapshot!.EventCount = 1000;
        snapshot.Cart.Clear();

        var again = await pipeline.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(again!.EventCount, Is.EqualTo(1));
            Assert.That(again.Cart, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Ids_of_1024_multibyte_characters_are_stored_and_read()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        var euros = new string('\u20AC', 1024);
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 512));

        var results = await pipeline.IngestBatchAsync(
        [
            TestEvents.Track(euros, "Clicked", messageId: new string('\u00E9', 1024)),
            TestEvents.Track(emoji, "Clicked"),
        ]);
        await pipeline.FlushAsync();

        var euroProfile = await pipeline.GetAsync(euros);
        var emojiProfile = await pipeline.GetAsync(emoji);
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
            Assert.That(euroProfile?.UserId, Is.EqualTo(euros));
            Assert.That(emojiProfile?.UserId, Is.EqualTo(emoji));
        });
    }

    [Test]
    public async Task Concurrent_readers_never_see_a_profile_go_back_while_it_is_written()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 2);
        const int users = 20;
        const int eventsPerUser = 200;
        using var writing = new CancellationTokenSource();
        var problems = new ConcurrentQueue<string>();

        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var seen = new long[users];
            while (!writing.IsCancellationRequested)
            {
                for (var u = 0; u < users; u++)
                {
                    var count = (await pipeline.GetAsync("user-" + u))?.EventCount ?? 0;
                    if (count < seen[u])
                    {
                        problems.Enqueue($"reader {r}: user-{u} went from {seen[u]} to {count}");
                    }

                    seen[u] = count;
                }
            }
        })).ToArray();

        for (var i = 0; i < eventsPerUser; i++)
        {
            await pipeline.IngestBatchAsync(Enumerable.Range(0, users).Select(u => TestEvents.Track("user-" + u, "Clicked", TestEvents.At(i))).ToArray());
        }

        await pipeline.FlushAsync();
        await writing.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(TestPipelines.Timeout);

        var profiles = await PipelineLifecycleTests.ScanAllAsync(pipeline);
        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(profiles.Select(p => p.EventCount), Is.All.EqualTo(eventsPerUser));
        });
    }
}
