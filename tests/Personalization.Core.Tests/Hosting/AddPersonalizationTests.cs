using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Tests.Support;

namespace Personalization.Tests.Hosting;

public class AddPersonalizationTests
{
    [Test]
    public void AddPersonalization_registers_the_ingestor_the_reader_the_pipeline_and_one_hosted_service()
    {
        var services = new ServiceCollection();

        services.AddPersonalization();

        Assert.Multiple(() =>
        {
            Assert.That(Count<IEventIngestor>(services), Is.EqualTo(1));
            Assert.That(Count<IProfileReader>(services), Is.EqualTo(1));
            Assert.That(Count<PersonalizationPipeline>(services), Is.EqualTo(1));
            Assert.That(Count<IHostedService>(services), Is.EqualTo(1));
            Assert.That(Count<IValidateOptions<PersonalizationOptions>>(services), Is.EqualTo(1));
            Assert.That(services.Single(d => d.ServiceType == typeof(PersonalizationPipeline)).Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
        });
    }

    [Test]
    public void AddPersonalization_twice_registers_nothing_twice_and_applies_both_configurations()
    {
        var services = new ServiceCollection();

        services.AddPersonalization(p => p.Configure(o => o.ShardCount = 3));
        services.AddPersonalization(p => p.Configure(o => o.ChannelCapacity = 64));

        Assert.Multiple(() =>
        {
            Assert.That(Count<IEventIngestor>(services), Is.EqualTo(1));
            Assert.That(Count<IProfileReader>(services), Is.EqualTo(1));
            Assert.That(Count<PersonalizationPipeline>(services), Is.EqualTo(1));
            Assert.That(Count<IHostedService>(services), Is.EqualTo(1));
            Assert.That(Count<IValidateOptions<PersonalizationOptions>>(services), Is.EqualTo(1));
        });

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PersonalizationOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.ShardCount, Is.EqualTo(3));
            Assert.That(options.ChannelCapacity, Is.EqualTo(64));
        });
    }

    [Test]
    public void The_ingestor_and_the_reader_are_the_one_pipeline()
    {
        using var directory = new TempDirectory();
        var services = new ServiceCollection();
        services.AddPersonalization(p => p.UseDataDirectory(directory.Path).Configure(o => o.Store = TestPipelines.SmallStore()));

        var provider = services.BuildServiceProvider();
        try
        {
            var pipeline = provider.GetRequiredService<PersonalizationPipeline>();
            Assert.Multiple(() =>
            {
                Assert.That(provider.GetRequiredService<IEventIngestor>(), Is.SameAs(pipeline));
                Assert.That(provider.GetRequiredService<IProfileReader>(), Is.SameAs(pipeline));
                Assert.That(pipeline.IsRunning, Is.False, "the host starts the pipeline, not its resolution");
            });
        }
        finally
        {
            provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Test]
    public void Every_builder_method_returns_the_same_builder_over_the_same_services()
    {
        var services = new ServiceCollection();
        var evaluator = new RecordingEvaluator();

        var builder = services.AddPersonalization();

        Assert.Multiple(() =>
        {
            Assert.That(builder.Services, Is.SameAs(services));
            Assert.That(builder.UseDataDirectory("data"), Is.SameAs(builder));
            Assert.That(builder.Configure(_ => { }), Is.SameAs(builder));
            Assert.That(builder.UseEventTime(TimeSpan.FromSeconds(2)), Is.SameAs(builder));
            Assert.That(builder.UseTriggerEvaluator(evaluator), Is.SameAs(builder));
        });

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PersonalizationOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.DataDirectory, Is.EqualTo("data"));
            Assert.That(options.Clock, Is.EqualTo(ClockMode.EventTime));
            Assert.That(options.AllowedLateness, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.TriggerEvaluator, Is.SameAs(evaluator));
        });
    }

    [Test]
    public void Builder_methods_check_their_arguments()
    {
        var builder = new ServiceCollection().AddPersonalization();

        Assert.Multiple(() =>
        {
            Assert.That(() => builder.UseDataDirectory(" "), Throws.ArgumentException);
            Assert.That(() => builder.Configure(null!), Throws.ArgumentNullException);
            Assert.That(() => builder.UseTriggerEvaluator(null!), Throws.ArgumentNullException);
            Assert.That(() => ((IServiceCollection)null!).AddPersonalization(), Throws.ArgumentNullException);
        });
    }

    private static int Count<TService>(IServiceCollection services) => services.Count(d => d.ServiceType == typeof(TService));
}
