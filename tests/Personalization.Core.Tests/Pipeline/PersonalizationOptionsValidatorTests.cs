using Personalization.Pipeline;
using Personalization.Storage;

namespace Personalization.Tests.Pipeline;

public class PersonalizationOptionsValidatorTests
{
    private static readonly PersonalizationOptionsValidator s_validator = new();

    [Test]
    public void The_defaults_are_valid()
    {
        var result = s_validator.Validate(null, new PersonalizationOptions());

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void Every_bad_setting_is_named_with_its_value()
    {
        var options = new PersonalizationOptions
        {
            DataDirectory = "",
            ShardCount = 257,
            ChannelCapacity = 8,
            FullMode = (PipelineFullMode)7,
            Clock = (ClockMode)9,
            DedupeWindow = TimeSpan.FromDays(400),
            AllowedLateness = TimeSpan.FromSeconds(-1),
            ClockTickInterval = TimeSpan.FromMilliseconds(1),
            Store = new StoreOptions { MemoryBudgetBytes = 1000, IndexSizeBytes = 3L << 20, PageSizeBytes = 1L << 30 },
        };

        var result = s_validator.Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Is.EquivalentTo(new[]
        {
            "DataDirectory must be a directory path; it is ''.",
            "ShardCount must be between 1 and 256; it is 257.",
            "ChannelCapacity must be between 16 and 1048576; it is 8.",
            "FullMode must be Wait or Reject; it is 7.",
            "Clock must be ProcessingTime or EventTime; it is 9.",
            "DedupeWindow must be between 00:00:01 and 365.00:00:00; it is 400.00:00:00.",
            "AllowedLateness must be between 00:00:00 and 1.00:00:00; it is -00:00:01.",
            "ClockTickInterval must be between 00:00:00.0100000 and 00:01:00; it is 00:00:00.0010000.",
            "Store.MemoryBudgetBytes must be a power of two of at least 16777216; it is 1000.",
            "Store.IndexSizeBytes must be a power of two of at least 65536; it is 3145728.",
            "Store.PageSizeBytes must be at most a quarter of Store.MemoryBudgetBytes (1000); it is 1073741824.",
            "Store.SegmentSizeBytes must be a power of two of at least 1073741824; it is 67108864.",
        }));
    }

    [Test]
    public void A_missing_store_section_is_named()
    {
        var result = s_validator.Validate(null, new PersonalizationOptions { Store = null! });

        Assert.That(result.Failures, Is.EqualTo(new[] { "Store must be set." }));
    }

    [TestCase(1)]
    [TestCase(256)]
    public void Shard_count_bounds_are_inclusive(int shards)
    {
        Assert.That(s_validator.Validate(null, new PersonalizationOptions { ShardCount = shards }).Succeeded, Is.True);
    }
}
