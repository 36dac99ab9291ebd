using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Personalization.Hosting;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Profiles;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the personalization engine to a host.</summary>
public static class PersonalizationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine: <see cref="IEventIngestor"/>, <see cref="IProfileReader"/>, the <see cref="PersonalizationPipeline"/>
    /// and a hosted service that starts it with the host and drains, checkpoints and closes it on stop.
    /// Settings are validated when the host starts; a bad setting fails the start with a message naming it.
    /// Calling it again adds nothing twice and applies the new configuration on top.
    /// </summary>
    public static PersonalizationBuilder AddPersonalization(this IServiceCollection services, Action<PersonalizationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PersonalizationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersonalizationOptions>, PersonalizationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => new PersonalizationPipeline(
            provider.GetRequiredService<IOptions<PersonalizationOptions>>().Value,
            provider.GetService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<IMeterFactory>()));
        services.TryAddSingleton<IEventIngestor>(static provider => provider.GetRequiredService<PersonalizationPipeline>());
        services.TryAddSingleton<IProfileReader>(static provider => provider.GetRequiredService<PersonalizationPipeline>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PersonalizationHostedService>());

        var builder = new PersonalizationBuilder(services);
        configure?.Invoke(builder);
        return builder;
    }
}
