using Microsoft.Extensions.Time.Testing;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Dedupe;

public class DedupeTests
{
    [Test]
    public async Task Duplicate_messageId_is_applied_once()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        var first = await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1", messageId: "m-1"));
        var second = await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "p1", messageId: "m-1"));
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(IngestResult.Accepted("m-1")));
            Assert.That(second, Is.EqualTo(IngestResult.Duplicate("m-1")));
            Assert.That(profile!.EventCount, Is.EqualTo(1));
            Assert.That(profile.CartQuantity, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Duplicate_messageId_is_applied_once_across_reopen()
    {
        using var directory = new TempDirectory();
        await using (var first = await TestPipelines.StartAsync(directory.Path))
        {
            var accepted = await first.IngestAsync(TestEvents.ProductAdded("u1", "p1", messageId: "m-1"));
            Assert.That(accepted.Status, Is.EqualTo(IngestStatus.Accepted));
            await first.StopAsync();
        }

        await using var second = await TestPipelines.StartAsync(directory.Path);
        var retried = await second.IngestAsync(TestEvents.ProductAdded("u1", "p1", messageId: "m-1"));
        var fresh = await second.IngestAsync(TestEvents.ProductAdded("u1", "p1", messageId: "m-2"));
        await second.FlushAsync();

        var profile = await second.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(retried.Status, Is.EqualTo(IngestStatus.Duplicate));
            Assert.That(fresh.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(profile!.EventCount, Is.EqualTo(2));
            Assert.That(profile.CartQuantity, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_batch_with_the_same_messageId_twice_applies_it_once()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        var results = await pipeline.IngestBatchAsync(
        [
            TestEvents.Track("u1", "Clicked", TestEvents.At(0), "m-1"),
            TestEvents.Track("u1", "Clicked", TestEvents.At(1), "m-2"),
            TestEvents.Track("u1", "Clicked", TestEvents.At(0), "m-1"),
        ]);
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(results, Is.EqualTo(new[] { IngestResult.Accepted("m-1"), IngestResult.Accepted("m-2"), IngestResult.Duplicate("m-1") }));
            Assert.That(profile!.EventCounts["Clicked"], Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_messageId_is_unique_across_users()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        var first = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", messageId: "shared"));
        var second = await pipeline.IngestAsync(TestEvents.Track("u2", "Clicked", messageId: "shared"));
        await pipeline.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(second.Status, Is.EqualTo(IngestStatus.Duplicate));
        });
        Assert.That(await pipeline.GetAsync("u2"), Is.Null);
    }

    [Test]
    public async Task A_messageId_is_accepted_again_once_the_dedupe_window_has_passed()
    {
        using var directory = new TempDirectory();
        var options = TestPipelines.Options(directory.Path);
        options.DedupeWindow = TimeSpan.FromHours(1);
        await using var pipeline = await TestPipelines.StartAsync(options);

        var first = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.T0, "m-1"));
        var within = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.T0.AddMinutes(59), "m-1"));
        await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.T0.AddHours(2), "m-other"));
        var after = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.T0.AddHours(2), "m-1"));

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(within.Status, Is.EqualTo(IngestStatus.Duplicate));
            Assert.That(after.Status, Is.EqualTo(IngestStatus.Accepted));
        });
    }

    [Test]
    public async Task In_processing_time_the_dedupe_window_follows_the_time_provider()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0);
        var options = TestPipelines.Options(directory.Path, clock: ClockMode.ProcessingTime);
        options.DedupeWindow = TimeSpan.FromHours(1);
        options.ClockTickInterval = TimeSpan.FromMinutes(1);
        await using var pipeline = await TestPipelines.StartAsync(options, time);

        var first = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", messageId: "m-1"));
        time.Advance(TimeSpan.FromMinutes(59));
        var within = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", messageId: "m-1"));
        time.Advance(TimeSpan.FromHours(2));
        var after = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked", messageId: "m-1"));

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(within.Status, Is.EqualTo(IngestStatus.Duplicate));
            Assert.That(after.Status, Is.EqualTo(IngestStatus.Accepted));
        });
    }
}
