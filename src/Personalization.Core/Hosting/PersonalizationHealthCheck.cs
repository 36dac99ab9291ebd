using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Personalization.Pipeline;

namespace Personalization.Hosting;

/// <summary>
/// Reports the pipeline's health: <c>Healthy</c> while it runs, <c>Degraded</c> while its ingest queue is nearly full
/// (callers are being held back or rejected with <c>pipeline_full</c>), <c>Unhealthy</c> when a stage or the storage failed (with
/// the failure) or when it is not running. Register it with
/// <c>services.AddHealthChecks().AddCheck&lt;PersonalizationHealthCheck&gt;("personalization")</c>.
/// </summary>
public sealed class PersonalizationHealthCheck : IHealthCheck
{
    private readonly PersonalizationPipeline _pipeline;

    /// <summary>Creates a check of <paramref name="pipeline"/>.</summary>
    public PersonalizationHealthCheck(PersonalizationPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var queued = _pipeline.IngestQueueDepth;
        var capacity = _pipeline.Options.ChannelCapacity;
        var delivery = _pipeline.DeliveryCounts;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["ingest_queue"] = queued,
            ["ingest_capacity"] = capacity,
            ["emails_sent"] = delivery.Sent,
            ["emails_failed"] = delivery.Failed,
        };

        if (_pipeline.Fault is { } fault)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(fault.Message, fault, data));
        }

        if (_pipeline.StorageFault is { } storage)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"The personalization pipeline's storage failed: {storage.Message} Events are rejected with reason storage_unavailable until it is restarted.",
                storage, data));
        }

        if (!_pipeline.IsRunning)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The personalization pipeline is not running.", data: data));
        }

        // Nine tenths full: the stages are behind and ingest calls wait (or are rejected) until they catch up.
        if (queued * 10L >= capacity * 9L)
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"The ingest queue is nearly full ({queued} of {capacity})."), data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy("The personalization pipeline is running.", data));
    }
}
