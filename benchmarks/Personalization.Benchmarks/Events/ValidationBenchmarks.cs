using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Personalization.Events;
using Personalization.Ingest;

namespace Personalization.Benchmarks.Events;

/// <summary>
/// What the ingest checks (issue 6) cost per event, on the <c>Product Added</c> sample event, in two groups with a
/// baseline each. <b>Typed</b>: an event handed over as an object, checked by <see cref="EventValidator.Check"/> with
/// the default options, and with a tracking plan (a JSON Schema for <c>Product Added</c>), against the required-field
/// check alone (<see cref="SegmentEventValidator"/>, what ingest did before issue 6). <b>Json</b>: the same event as
/// UTF-8 JSON, parsed and checked by <see cref="SegmentJson.Parse(ReadOnlySpan{byte})"/> (default checks) and by a
/// validator with the tracking plan, against a parse with no checks at all (<see cref="JsonDocumentSegmentReader"/>).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ValidationBenchmarks
{
    private const string ProductAddedSchema = """
        {
          "type": "object",
          "required": ["product_id", "price", "quantity"],
          "properties": {
            "product_id": { "type": "string", "minLength": 1 },
            "sku": { "type": "string" },
            "price": { "type": "number", "minimum": 0 },
            "quantity": { "type": "integer", "minimum": 1 },
            "coupon": { "type": "string", "maxLength": 64 }
          }
        }
        """;

    private byte[] _json = [];
    private SegmentEvent _event = null!;
    private EventValidator _withPlan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _json = SegmentSamples.ProductAdded();
        _event = SegmentJson.Parse(_json).Event ?? throw new InvalidOperationException("The sample event does not parse.");
        _withPlan = new EventValidator(new ValidationOptions().AddSchema(EcommerceEvents.ProductAdded, ProductAddedSchema), TimeProvider.System);

        // Every row must accept the sample event, or it measures a rejection.
        if (SegmentEventValidator.Validate(_event) is not null || !EventValidator.Default.Check(_event).Success
            || !_withPlan.Check(_event).Success || !_withPlan.Parse(_json).Success)
        {
            throw new InvalidOperationException("A check rejects the sample event.");
        }
    }

    [BenchmarkCategory("Typed"), Benchmark(Baseline = true, Description = "Typed: required fields only (before issue 6)")]
    public SegmentParseResult? Typed_RequiredFields() => SegmentEventValidator.Validate(_event);

    [BenchmarkCategory("Typed"), Benchmark(Description = "Typed: EventValidator.Check, default options")]
    public SegmentParseResult Typed_DefaultChecks() => EventValidator.Default.Check(_event);

    [BenchmarkCategory("Typed"), Benchmark(Description = "Typed: EventValidator.Check, with a tracking plan")]
    public SegmentParseResult Typed_TrackingPlan() => _withPlan.Check(_event);

    [BenchmarkCategory("Json"), Benchmark(Baseline = true, Description = "JSON: JsonDocument by hand, no checks")]
    public SegmentEvent Json_NoChecks() => JsonDocumentSegmentReader.Parse(_json);

    [BenchmarkCategory("Json"), Benchmark(Description = "JSON: SegmentJson.Parse, default checks")]
    public SegmentParseResult Json_DefaultChecks() => SegmentJson.Parse(_json);

    [BenchmarkCategory("Json"), Benchmark(Description = "JSON: EventValidator.Parse, with a tracking plan")]
    public SegmentParseResult Json_TrackingPlan() => _withPlan.Parse(_json);
}
