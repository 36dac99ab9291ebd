using BenchmarkDotNet.Attributes;
using Personalization.Events;

namespace Personalization.Benchmarks.Events;

/// <summary>
/// <see cref="SegmentJson"/> against a hand-written <see cref="System.Text.Json.JsonDocument"/> reader that builds the
/// same <see cref="SegmentEvent"/>. The batch benchmarks report the time and allocation per event
/// (<c>OperationsPerInvoke = 100</c>), so every row compares with the single-event baseline.
/// </summary>
[MemoryDiagnoser]
public class SegmentParsingBenchmarks
{
    private const int BatchSize = 100;

    private byte[] _event = [];
    private byte[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _event = SegmentSamples.ProductAdded();
        _batch = SegmentSamples.Batch(BatchSize);

        // Both readers must agree on the input, or the comparison means nothing.
        var parsed = SegmentJson.Parse(_event);
        var baseline = JsonDocumentSegmentReader.Parse(_event);
        if (!parsed.Success || SegmentJson.Serialize(parsed.Event) != SegmentJson.Serialize(baseline))
        {
            throw new InvalidOperationException($"The readers disagree on the sample event: {parsed}.");
        }

        if (SegmentJson.ParseBatch(_batch).Count(r => r.Success) != BatchSize || JsonDocumentSegmentReader.ParseBatch(_batch).Count != BatchSize)
        {
            throw new InvalidOperationException("The sample batch does not parse to 100 events.");
        }
    }

    [Benchmark(Baseline = true, Description = "Event: JsonDocument by hand")]
    public SegmentEvent Event_JsonDocument() => JsonDocumentSegmentReader.Parse(_event);

    [Benchmark(Description = "Event: SegmentJson.Parse")]
    public SegmentParseResult Event_SegmentJson() => SegmentJson.Parse(_event);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "Batch of 100, per event: JsonDocument by hand")]
    public List<SegmentEvent> Batch_JsonDocument() => JsonDocumentSegmentReader.ParseBatch(_batch);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "Batch of 100, per event: SegmentJson.ParseBatch")]
    public IReadOnlyList<SegmentParseResult> Batch_SegmentJson() => SegmentJson.ParseBatch(_batch);
}
