using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Profiles;
using Personalization.Tests.Support;

namespace Personalization.Tests.Hosting;

public class HostLifecycleTests
{
    [Test]
    public async Task A_host_ingests_reads_and_a_new_host_on_the_same_directory_sees_the_profile()
    {
        using var directory = new TempDirectory();
        var evaluator = new RecordingEvaluator();
        using (var host = BuildHost(directory.Path, p => p.UseEventTime().UseTriggerEvaluator(evaluator)))
        {
            await host.StartAsync().WaitAsync(TestPipelines.Timeout);
            var ingestor = host.Services.GetRequiredService<IEventIngestor>();
            var reader = host.Services.GetRequiredService<IProfileReader>();

            var results = await ingestor.IngestBatchAsync(
            [
                TestEvents.Identify("alice", new Dictionary<string, object?> { ["email"] = "alice@example.com" }, TestEvents.At(0)),
                TestEvents.ProductAdded("alice", "sku-1", price: 5, at: TestEvents.At(1)),
            ]);
            await ingestor.FlushAsync();
            var live = await reader.GetAsync("alice");

            Assert.Multiple(() =>
            {
                Assert.That(results.Select(r => r.Status), Is.All.EqualTo(IngestStatus.Accepted));
                Assert.That(live!.Email, Is.EqualTo("alice@example.com"));
                Assert.That(live.CartValue, Is.EqualTo(5m));
                Assert.That(evaluator.MessageIdsOf("alice"), Has.Count.EqualTo(2));
            });

            await host.StopAsync().WaitAsync(TestPipelines.Timeout);
        }

        using (var host = BuildHost(directory.Path))
        {
            await host.StartAsync().WaitAsync(TestPipelines.Timeout);
            var reader = host.Services.GetRequiredService<IProfileReader>();

            var reopened = await reader.GetAsync("alice");

            Assert.Multiple(() =>
            {
                Assert.That(reopened!.Email, Is.EqualTo("alice@example.com"));
                Assert.That(reopened.EventCount, Is.EqualTo(2));
                Assert.That(reopened.Cart.Single().ProductId, Is.EqualTo("sku-1"));
            });
            await host.StopAsync().WaitAsync(TestPipelines.Timeout);
        }
    }

    [Test]
    public async Task Bad_options_fail_host_start_naming_each_bad_setting_and_its_value()
    {
        using var directory = new TempDirectory();
        using var host = BuildHost(directory.Path, p => p.Configure(o =>
        {
            o.ShardCount = 0;
            o.ChannelCapacity = 1;
        }));

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("ShardCount must be between 1 and 256; it is 0")
            .And.Contain("ChannelCapacity must be between 16 and 1048576; it is 1"));
        Assert.That(Directory.EnumerateFileSystemEntries(directory.Path), Is.Empty, "nothing was opened");
    }

    [Test]
    public async Task A_host_whose_data_directory_is_in_use_fails_to_start_naming_the_directory()
    {
        using var directory = new TempDirectory();
        await using var running = await TestPipelines.StartAsync(directory.Path);
        using var host = BuildHost(directory.Path);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain(directory.Path).And.Contain("in use"));
    }

    [Test]
    public async Task The_hosts_time_provider_drives_the_processing_time_clock()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(TestEvents.T0.AddYears(1));
        var evaluator = new RecordingEvaluator();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory(directory.Path)
            .UseTriggerEvaluator(evaluator)
            .Configure(o => o.Store = TestPipelines.SmallStore()));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(TestPipelines.Timeout);

        var ingestor = host.Services.GetRequiredService<IEventIngestor>();
        await ingestor.IngestAsync(TestEvents.Track("u1", "Clicked", TestEvents.T0));
        await ingestor.FlushAsync();
        await host.StopAsync().WaitAsync(TestPipelines.Timeout);

        Assert.That(evaluator.Events.Single().Now, Is.EqualTo(TestEvents.T0.AddYears(1)));
    }

    [Test]
    public async Task Disposing_a_host_without_stopping_it_still_keeps_the_profiles()
    {
        using var directory = new TempDirectory();
        using (var host = BuildHost(directory.Path))
        {
            await host.StartAsync().WaitAsync(TestPipelines.Timeout);
            await host.Services.GetRequiredService<IEventIngestor>().IngestAsync(TestEvents.Track("u1", "Clicked"));
        }

        using var next = BuildHost(directory.Path);
        await next.StartAsync().WaitAsync(TestPipelines.Timeout);
        var profile = await next.Services.GetRequiredService<IProfileReader>().GetAsync("u1");
        await next.StopAsync().WaitAsync(TestPipelines.Timeout);

        Assert.That(profile?.EventCount, Is.EqualTo(1));
    }

    private static IHost BuildHost(string dataDirectory, Action<Personalization.Hosting.PersonalizationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddPersonalization(p =>
        {
            p.UseDataDirectory(dataDirectory).Configure(o =>
            {
                o.ShardCount = 2;
                o.Store = TestPipelines.SmallStore();
            });
            configure?.Invoke(p);
        });
        return builder.Build();
    }
}
