using System.Diagnostics.Metrics;
using System.Globalization;
using Personalization.Benchmarks.Support;
using Personalization.Diagnostics;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Triggers;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// The engine: a <see cref="PersonalizationPipeline"/> with every stage, <see cref="DurabilityMode.GroupCommit"/>, the
/// five built-in triggers and a counting sink, its data directory in a temporary folder. The latency of an event is
/// the engine's own <see cref="PersonalizationDiagnostics.EndToEndLatency"/> measurement (from the ingest call to the
/// end of the trigger stage for that event), read with a <see cref="MeterListener"/>.
/// </summary>
internal sealed class PersonalizationSystem : ISystemUnderTest
{
    private readonly TempDirectory _directory;
    private readonly PersonalizationPipeline _pipeline;
    private readonly CountingSendSink _sink;
    private readonly MeterListener _listener = new();

    private PersonalizationSystem(TempDirectory directory, PersonalizationPipeline pipeline, CountingSendSink sink, int shards)
    {
        _directory = directory;
        _pipeline = pipeline;
        _sink = sink;
        Setup = new Dictionary<string, string>
        {
            ["durability"] = nameof(DurabilityMode.GroupCommit),
            ["shards"] = shards.ToString(CultureInfo.InvariantCulture),
            ["triggers"] = "cart_abandonment, browse_abandonment, welcome, win_back, post_purchase",
        };
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == PersonalizationDiagnostics.Name && instrument.Name == PersonalizationDiagnostics.EndToEndLatency)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, milliseconds, _, _) => Latency.Record(milliseconds));
        _listener.Start();
    }

    public LatencyRecorder Latency { get; } = new();

    public IReadOnlyDictionary<string, long> Decisions => _sink.Counts;

    public IReadOnlyDictionary<string, string> Setup { get; }

    public static async Task<PersonalizationSystem> StartAsync()
    {
        var directory = new TempDirectory("personalization-load");
        var sink = new CountingSendSink();
        var options = new PersonalizationOptions
        {
            DataDirectory = directory.Path,
            Durability = DurabilityMode.GroupCommit,
            SendSink = sink,
        };
        options.Triggers.Add(Trigger.CartAbandonment().Build());
        options.Triggers.Add(Trigger.BrowseAbandonment().Build());
        options.Triggers.Add(Trigger.Welcome().Build());
        options.Triggers.Add(Trigger.WinBack().Build());
        options.Triggers.Add(Trigger.PostPurchase().Build());
        try
        {
            var pipeline = await PersonalizationPipeline.StartNewAsync(options);
            return new PersonalizationSystem(directory, pipeline, sink, options.ShardCount);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public async ValueTask IngestAsync(IReadOnlyList<SegmentEvent> batch)
    {
        var results = await _pipeline.IngestBatchAsync(batch);
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].Status == IngestStatus.Rejected)
            {
                throw new InvalidOperationException($"The engine rejected a generated event: {results[i]}");
            }
        }
    }

    public ValueTask DrainAsync() => _pipeline.FlushAsync();

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _pipeline.DisposeAsync();
        _directory.Dispose();
    }
}
