using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Personalization.Pipeline;

namespace Personalization.Hosting;

/// <summary>
/// Starts the pipeline with the host, and on stop drains it, checkpoints and closes the store. If a pipeline stage
/// fails while the host runs, the failure is logged and the host is asked to stop: it is never swallowed.
/// </summary>
internal sealed partial class PersonalizationHostedService : IHostedService
{
    private readonly PersonalizationPipeline _pipeline;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger _logger;
    private volatile bool _stopping;

    public PersonalizationHostedService(PersonalizationPipeline pipeline, ILogger<PersonalizationHostedService> logger,
        IHostApplicationLifetime? lifetime = null)
    {
        _pipeline = pipeline;
        _logger = logger;
        _lifetime = lifetime;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _pipeline.StartAsync(cancellationToken).ConfigureAwait(false);
        _ = WatchAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return _pipeline.StopAsync(cancellationToken);
    }

    private async Task WatchAsync()
    {
        try
        {
            await _pipeline.Completion.ConfigureAwait(false);
        }
        catch (PipelineFaultedException ex) when (!_stopping)
        {
            StoppingHost(_logger, ex, ex.Stage);
            _lifetime?.StopApplication();
        }
        catch (PipelineFaultedException)
        {
            // The host is stopping already; StopAsync reports the failure.
        }
    }

    [LoggerMessage(100, LogLevel.Critical, "The personalization pipeline's {Stage} stage failed; stopping the host.")]
    private static partial void StoppingHost(ILogger logger, Exception exception, string stage);
}
