using Microsoft.Extensions.Options;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class PipelineLifecycleTests
{
    [Test]
    public async Task Profiles_survive_stop_and_reopen_of_the_data_directory()
    {
        using var directory = new TempDirectory();
        await using (var first = await TestPipelines.StartAsync(directory.Path))
        {
            await first.IngestBatchAsync(
            [
                TestEvents.Identify("alice", new Dictionary<string, object?> { ["email"] = "alice@example.com" }, TestEvents.At(0)),
                TestEvents.ProductAdded("alice", "sku-1", quantity: 2, price: 9.5, at: TestEvents.At(1)),
                TestEvents.Page("bob", "Home", TestEvents.At(2)),
            ]);
            await first.StopAsync();
        }

        await using var second = await TestPipelines.StartAsync(directory.Path);
        var alice = await second.GetAsync("alice");
        var bob = await second.GetAsync("bob");
        var scanned = await ScanAllAsync(second);

        Assert.Multiple(() =>
        {
            Assert.That(alice, Is.Not.Null);
            Assert.That(alice!.Email, Is.EqualTo("alice@example.com"));
            Assert.That(alice.EventCount, Is.EqualTo(2));
            Assert.That(alice.Cart.Single().ProductId, Is.EqualTo("sku-1"));
            Assert.That(alice.Cart.Single().Quantity, Is.EqualTo(2));
            Assert.That(alice.CartValue, Is.EqualTo(19m));
            Assert.That(alice.FirstSeen, Is.EqualTo(TestEvents.At(0)));
            Assert.That(alice.LastSeen, Is.EqualTo(TestEvents.At(1)));
            Assert.That(bob!.PageViews, Is.EqualTo(1));
            Assert.That(scanned.Select(p => p.UserId), Is.EquivalentTo(new[] { "alice", "bob" }));
        });
    }

    [Test]
    public async Task Profiles_keep_growing_over_several_reopens()
    {
        using var directory = new TempDirectory();
        for (var generation = 0; generation < 3; generation++)
        {
            await using var pipeline = await TestPipelines.StartAsync(directory.Path);
            var result = await pipeline.IngestAsync(TestEvents.Track("carol", "Clicked", TestEvents.At(generation)));
            Assert.That(result.Status, Is.EqualTo(IngestStatus.Accepted));
        }

        await using var last = await TestPipelines.StartAsync(directory.Path);
        var carol = await last.GetAsync("carol");
        Assert.Multiple(() =>
        {
            Assert.That(carol!.EventCount, Is.EqualTo(3));
            Assert.That(carol.EventCounts["Clicked"], Is.EqualTo(3));
            Assert.That(carol.LastSeen, Is.EqualTo(TestEvents.At(2)));
        });
    }

    [Test]
    public async Task Stop_applies_every_accepted_event_before_it_closes_the_store()
    {
        using var directory = new TempDirectory();
        const int count = 2000;
        await using (var first = await TestPipelines.StartAsync(directory.Path))
        {
            var events = Enumerable.Range(0, count).Select(i => TestEvents.Track("user-" + (i % 50), "Clicked", TestEvents.At(i))).ToArray();
            var results = await first.IngestBatchAsync(events);
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));

            // No flush: stopping must drain the queues itself.
            await first.StopAsync();
        }

        await using var second = await TestPipelines.StartAsync(directory.Path);
        var profiles = await ScanAllAsync(second);
        Assert.Multiple(() =>
        {
            Assert.That(profiles, Has.Count.EqualTo(50));
            Assert.That(profiles.Sum(p => p.EventCount), Is.EqualTo(count));
        });
    }

    [Test]
    public async Task Dispose_without_stop_still_keeps_the_profiles()
    {
        using var directory = new TempDirectory();
        await using (var first = await TestPipelines.StartAsync(directory.Path))
        {
            await first.IngestAsync(TestEvents.Track("dave", "Clicked"));
        }

        await using var second = await TestPipelines.StartAsync(directory.Path);
        Assert.That((await second.GetAsync("dave"))?.EventCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Flush_makes_an_ingested_event_readable_at_once()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        await pipeline.IngestAsync(TestEvents.ProductAdded("erin", "sku-7"));
        await pipeline.FlushAsync();

        Assert.That((await pipeline.GetAsync("erin"))?.CartQuantity, Is.EqualTo(1));
    }

    [Test]
    public async Task Get_of_an_unknown_user_returns_null()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        await pipeline.IngestAsync(TestEvents.Track("known", "Clicked"));
        await pipeline.FlushAsync();

        var nobody = await pipeline.GetAsync("nobody");
        var tooLong = await pipeline.GetAsync(new string('x', 5000));
        var known = await pipeline.GetAsync("known");

        Assert.Multiple(() =>
        {
            Assert.That(nobody, Is.Null);
            Assert.That(tooLong, Is.Null);
            Assert.That(known, Is.Not.Null);
        });
    }

    [Test]
    public async Task Get_of_an_empty_user_id_is_an_argument_error()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        Assert.That(async () => await pipeline.GetAsync(""), Throws.ArgumentException);
    }

    [Test]
    public async Task A_new_pipeline_scans_no_profiles()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        Assert.That(await ScanAllAsync(pipeline), Is.Empty);
    }

    [Test]
    public async Task Ingest_after_stop_is_rejected_as_stopped()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        await pipeline.StopAsync();

        var single = await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked"));
        var batch = await pipeline.IngestBatchAsync([TestEvents.Track("u1", "Clicked"), TestEvents.Track("u2", "Clicked")]);
        var json = await pipeline.IngestAsync(TestEvents.Utf8(
            """{"type":"track","event":"Clicked","messageId":"j1","userId":"u1","timestamp":"2026-03-01T12:00:00Z"}"""));

        Assert.Multiple(() =>
        {
            Assert.That(pipeline.IsRunning, Is.False);
            Assert.That(single.Status, Is.EqualTo(IngestStatus.Rejected));
            Assert.That(single.ReasonCode, Is.EqualTo(IngestReasons.Stopped));
            Assert.That(single.Message, Does.Contain("stopping"));
            Assert.That(batch.Select(r => r.ReasonCode), Is.All.EqualTo(IngestReasons.Stopped));
            Assert.That(json.ReasonCode, Is.EqualTo(IngestReasons.Stopped));
        });
    }

    [Test]
    public async Task Reading_after_stop_fails_with_a_clear_error()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        await pipeline.StopAsync();

        Assert.That(async () => await pipeline.GetAsync("u1"),
            Throws.InvalidOperationException.With.Message.Contains("stopped"));
        Assert.That(async () => await pipeline.FlushAsync(),
            Throws.InvalidOperationException.With.Message.Contains("stopping"));
    }

    [Test]
    public async Task Stop_twice_is_harmless()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        await pipeline.StopAsync();
        Assert.That(async () => await pipeline.StopAsync(), Throws.Nothing);
    }

    [Test]
    public async Task Ingest_and_reads_before_start_fail_with_a_clear_error()
    {
        using var directory = new TempDirectory();
        await using var pipeline = new PersonalizationPipeline(TestPipelines.Options(directory.Path));

        Assert.That(async () => await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked")),
            Throws.InvalidOperationException.With.Message.Contains("StartAsync"));
        Assert.That(async () => await pipeline.GetAsync("u1"),
            Throws.InvalidOperationException.With.Message.Contains("not started"));
        Assert.That(async () => await pipeline.FlushAsync(),
            Throws.InvalidOperationException.With.Message.Contains("StartAsync"));
    }

    [Test]
    public async Task Starting_twice_fails_with_a_clear_error()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        Assert.That(async () => await pipeline.StartAsync(), Throws.InvalidOperationException.With.Message.Contains("already started"));
        Assert.That(pipeline.IsRunning, Is.True);
    }

    [Test]
    public void Bad_options_fail_the_constructor_naming_every_bad_setting()
    {
        var options = new PersonalizationOptions
        {
            DataDirectory = " ",
            ShardCount = 0,
            ChannelCapacity = 1,
            DedupeWindow = TimeSpan.Zero,
        };

        var error = Assert.Throws<OptionsValidationException>(() => _ = new PersonalizationPipeline(options));

        Assert.That(error!.Message, Does.Contain("DataDirectory")
            .And.Contain("ShardCount must be between 1 and 256; it is 0")
            .And.Contain("ChannelCapacity must be between 16 and 1048576; it is 1")
            .And.Contain("DedupeWindow"));
        Assert.That(error.Failures.Count(), Is.EqualTo(4));
    }

    [Test]
    public async Task Events_for_an_anonymous_visitor_build_a_profile_under_the_anonymous_id()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        var anonymous = new SegmentEvent
        {
            MessageId = TestEvents.NewId(),
            Type = SegmentEventType.Track,
            AnonymousId = "anon-42",
            Event = EcommerceEvents.ProductViewed,
            Timestamp = TestEvents.T0,
        };

        await pipeline.IngestAsync(anonymous);
        await pipeline.FlushAsync();

        var profile = await pipeline.GetAsync("anon-42");
        Assert.Multiple(() =>
        {
            Assert.That(profile!.UserId, Is.EqualTo("anon-42"));
            Assert.That(profile.AnonymousIds, Is.EqualTo(new[] { "anon-42" }));
        });
    }

    internal static async Task<List<CustomerProfile>> ScanAllAsync(PersonalizationPipeline pipeline)
    {
        var profiles = new List<CustomerProfile>();
        await foreach (var profile in pipeline.ScanAsync())
        {
            profiles.Add(profile);
        }

        return profiles;
    }
}
