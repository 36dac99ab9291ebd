using Personalization.Ingest;
using static Personalization.Tests.IngestChecks.IngestTestKit;

namespace Personalization.Tests.IngestChecks;

/// <summary>Every file of the hand-made bad-input corpus (Ingest/Corpus) is rejected with the reason code its name starts with.</summary>
public class BadInputCorpusTests
{
    private static readonly string s_directory = Path.Combine(TestContext.CurrentContext.TestDirectory, "Ingest", "Corpus");

    public static IEnumerable<TestCaseData> Files() => Directory.EnumerateFiles(s_directory, "*.json")
        .Order(StringComparer.Ordinal)
        .Select(path => new TestCaseData(Path.GetFileName(path)).SetName(Path.GetFileNameWithoutExtension(path)));

    [TestCaseSource(nameof(Files))]
    public void A_corpus_file_is_rejected_with_the_reason_its_name_starts_with(string file)
    {
        var payload = File.ReadAllBytes(Path.Combine(s_directory, file));
        var expected = file[..file.IndexOf('-', StringComparison.Ordinal)];

        var single = Validator().Parse(payload);
        var batch = Validator().ParseBatch(payload);

        Assert.Multiple(() =>
        {
            Assert.That(single.Success, Is.False, single.ToString());
            Assert.That(single.ReasonCode, Is.EqualTo(expected), single.ToString());
            Assert.That(single.Message, Is.Not.Empty);
            Assert.That(single.Raw.ToArray(), Is.EqualTo(payload));
            Assert.That(batch, Has.Count.EqualTo(1));
            Assert.That(batch[0].ReasonCode, Is.EqualTo(expected), "a single event sent to the batch endpoint");
        });
    }

    [Test]
    public void The_corpus_has_a_file_for_every_reason_that_holds_with_default_options()
    {
        var reasons = Directory.EnumerateFiles(s_directory, "*.json")
            .Select(path => Path.GetFileName(path)[..Path.GetFileName(path).IndexOf('-', StringComparison.Ordinal)])
            .ToHashSet();

        Assert.That(reasons, Is.SupersetOf(new[]
        {
            IngestReasons.Malformed, IngestReasons.MissingField, IngestReasons.InvalidType, IngestReasons.InvalidTimestamp,
            IngestReasons.FutureTimestamp, IngestReasons.InvalidProperty, IngestReasons.TooLarge, IngestReasons.JunkIdentity,
            IngestReasons.UnsupportedSchemaVersion,
        }));
    }
}
