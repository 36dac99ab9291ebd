using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Personalization.Diagnostics;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.Diagnostics;

public class MetricsTests
{
    [Test]
    public async Task Metrics_count_accepted_duplicate_and_rejected_events_and_measure_latency()
    {
        using var directory = new TempDirectory();
        using var meterFactory = new TestMeterFactory();
        using var recorder = new MetricRecorder(meterFactory);
        await using var pipeline = new PersonalizationPipeline(TestPipelines.Options(directory.Path), meterFactory: meterFactory);
        await pipeline.StartAsync();

        await pipeline.IngestBatchAsync(
        [
            TestEvents.Track("u1", "A", TestEvents.At(0), "m-1"),
            TestEvents.Track("u2", "A", TestEvents.At(1), "m-2"),
            TestEvents.Track("u3", "A", TestEvents.At(2), "m-3"),
            TestEvents.Track("u1", "A", TestEvents.At(0), "m-1"),
            TestEvents.Track("u1", "", TestEvents.At(0), "m-4"),
        ]);
        await pipeline.IngestAsync(TestEvents.Utf8("not json"));
        await pipeline.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(recorder.Sum(PersonalizationDiagnostics.EventsAccepted), Is.EqualTo(3));
            Assert.That(recorder.Sum(PersonalizationDiagnostics.EventsDuplicate), Is.EqualTo(1));
            Assert.That(recorder.Sum(PersonalizationDiagnostics.EventsRejected), Is.EqualTo(2));
            Assert.That(recorder.Sum(PersonalizationDiagnostics.EventsRejected, ("reason", IngestReasons.MissingField)), Is.EqualTo(1));
            Assert.That(recorder.Sum(PersonalizationDiagnostics.EventsRejected, ("reason", IngestReasons.Malformed)), Is.EqualTo(1));
            Assert.That(recorder.Values(PersonalizationDiagnostics.EndToEndLatency), Has.Count.EqualTo(3).And.All.GreaterThanOrEqualTo(0));
            Assert.That(recorder.Values(PersonalizationDiagnostics.StageDuration, ("stage", "dedupe")), Has.Count.EqualTo(4));
            Assert.That(recorder.Values(PersonalizationDiagnostics.StageDuration, ("stage", "enrich")), Has.Count.EqualTo(3));
            Assert.That(recorder.Values(PersonalizationDiagnostics.StageDuration, ("stage", "trigger")), Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Queue_depth_is_reported_per_stage_and_shard()
    {
        using var directory = new TempDirectory();
        using var meterFactory = new TestMeterFactory();
        using var recorder = new MetricRecorder(meterFactory);
        await using var pipeline = new PersonalizationPipeline(TestPipelines.Options(directory.Path, shardCount: 3), meterFactory: meterFactory);
        await pipeline.StartAsync();

        recorder.RecordObservables();

        Assert.Multiple(() =>
        {
            Assert.That(recorder.Values(PersonalizationDiagnostics.QueueDepth, ("stage", "dedupe")), Has.Count.EqualTo(1));
            Assert.That(recorder.Values(PersonalizationDiagnostics.QueueDepth, ("stage", "enrich")), Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Rejections_of_a_stopped_pipeline_are_counted_with_their_reason()
    {
        using var directory = new TempDirectory();
        using var meterFactory = new TestMeterFactory();
        using var recorder = new MetricRecorder(meterFactory);
        await using var pipeline = new PersonalizationPipeline(TestPipelines.Options(directory.Path), meterFactory: meterFactory);
        await pipeline.StartAsync();
        await pipeline.StopAsync();

        await pipeline.IngestAsync(TestEvents.Track("u1", "A"));

        Assert.That(recorder.Sum(PersonalizationDiagnostics.EventsRejected, ("reason", IngestReasons.Stopped)), Is.EqualTo(1));
    }

    /// <summary>Collects the measurements of the meters of one <see cref="TestMeterFactory"/>.</summary>
    private sealed class MetricRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public MetricRecorder(TestMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PersonalizationDiagnostics.Name && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => _measurements.Enqueue((i.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => _measurements.Enqueue((i.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => _measurements.Enqueue((i.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public void RecordObservables() => _listener.RecordObservableInstruments();

        public List<double> Values(string instrument, params (string Key, string Value)[] tags) =>
            _measurements
                .Where(m => m.Instrument == instrument
                    && tags.All(t => m.Tags.Any(tag => tag.Key == t.Key && Equals(tag.Value, t.Value))))
                .Select(m => m.Value)
                .ToList();

        public double Sum(string instrument, params (string Key, string Value)[] tags) => Values(instrument, tags).Sum();

        public void Dispose() => _listener.Dispose();
    }
}
