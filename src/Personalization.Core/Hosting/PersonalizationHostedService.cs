using Microsoft.Extensions.Hosting;
using Personalization.Pipeline;

namespace Personalization.Hosting;

/// <summary>Starts the pipeline with the host, and on stop drains it, checkpoints and closes the store.</summary>
internal sealed class PersonalizationHostedService : IHostedService
{
    private readonly PersonalizationPipeline _pipeline;

    public PersonalizationHostedService(PersonalizationPipeline pipeline) => _pipeline = pipeline;

    public Task StartAsync(CancellationToken cancellationToken) => _pipeline.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _pipeline.StopAsync(cancellationToken);
}
