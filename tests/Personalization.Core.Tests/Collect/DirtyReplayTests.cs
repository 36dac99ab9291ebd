using System.Text;
using Personalization.Collect;
using Personalization.DeadLetters;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Durability;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Collect;

/// <summary>
/// The real REES46 sample replayed twice: clean, and mixed with the hand-made bad-input corpus (Ingest/Corpus) and late
/// exact duplicates of earlier lines. The dirty run rejects every bad input with its reason, keeps it in the dead
/// letters, drops every duplicate, and ends with the same profiles, the same send decisions and the same clock.
/// </summary>
public class DirtyReplayTests
{
    private const string DataFile = "rees46-2019-oct-head.csv";

    // A corpus input after every this many good lines; a late duplicate of a line this far back after every other.
    private const int BadEvery = 150;
    private const int DuplicateLag = 2_000;

    [Test]
    public async Task Bad_inputs_and_late_duplicates_mixed_into_the_REES46_replay_change_no_profile_no_send_and_no_clock()
    {
        var lines = ReadLines();
        var corpus = Corpus();
        Assert.That(corpus.Select(c => c.Reason).Distinct(), Is.SupersetOf(new[]
        {
            IngestReasons.Malformed, IngestReasons.MissingField, IngestReasons.InvalidType, IngestReasons.InvalidTimestamp,
            IngestReasons.FutureTimestamp, IngestReasons.InvalidProperty, IngestReasons.TooLarge, IngestReasons.JunkIdentity,
        }), "the corpus has an input for every reason code of the issue");

        var clean = await RunAsync(lines.Select(line => (line, (string?)null)).ToList());

        var mixed = new List<(byte[] Payload, string? Expected)>();
        var nextBad = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            mixed.Add((lines[i], null));
            if (i % BadEvery == BadEvery - 1 && nextBad < corpus.Count)
            {
                mixed.Add((corpus[nextBad].Payload, corpus[nextBad].Reason));
                nextBad++;
            }
            else if (i % BadEvery == BadEvery / 2 && i >= DuplicateLag)
            {
                mixed.Add((lines[i - DuplicateLag], "duplicate"));
            }
        }

        Assert.That(nextBad, Is.EqualTo(corpus.Count), "every corpus input is mixed in");
        var dirty = await RunAsync(mixed);

        Assert.Multiple(() =>
        {
            Assert.That(dirty.Profiles, Is.EqualTo(clean.Profiles), "the same profiles");
            Assert.That(dirty.Sends, Is.EqualTo(clean.Sends), "the same send decisions");
            Assert.That(dirty.Clock, Is.EqualTo(clean.Clock), "the same event-time clock");
            Assert.That(clean.Sends, Is.Not.Empty, "the replay does decide sends");
            Assert.That(dirty.Unexpected, Is.Empty, "every input got the result it should");
            Assert.That(dirty.DeadLetters.Count, Is.EqualTo(clean.DeadLetters.Count + corpus.Count), "every bad input is a dead letter");
        });

        foreach (var (payload, reason, name) in corpus)
        {
            var kept = dirty.DeadLetters.Where(d => d.Reason == reason && d.GetRawBytes().AsSpan().SequenceEqual(payload)).ToList();
            Assert.That(kept, Has.Count.EqualTo(1), $"{name} is kept in the dead letters with reason {reason} and its raw payload");
            Assert.That(kept[0].Kind, Is.EqualTo(DeadLetterKind.RejectedEvent));
            Assert.That(kept[0].Message, Is.Not.Empty);
        }
    }

    private sealed record Run(IReadOnlyList<string> Profiles, IReadOnlyList<string> Sends, DateTimeOffset Clock,
        IReadOnlyList<DeadLetter> DeadLetters, IReadOnlyList<string> Unexpected);

    private static async Task<Run> RunAsync(IReadOnlyList<(byte[] Payload, string? Expected)> inputs)
    {
        using var directory = new TempDirectory();
        var sink = new InMemorySendIntentSink();
        var options = new PersonalizationOptions
        {
            DataDirectory = directory.Path,
            ShardCount = 2,
            Clock = ClockMode.EventTime,
            Durability = DurabilityMode.None,
            SendSink = sink,
        };
        foreach (var trigger in new[] { Trigger.CartAbandonment(), Trigger.BrowseAbandonment(), Trigger.WinBack(), Trigger.PostPurchase() })
        {
            options.Triggers.Add(trigger.Build());
        }

        var unexpected = new List<string>();
        await using var pipeline = await PersonalizationPipeline.StartNewAsync(options);

        foreach (var (payload, expected) in inputs)
        {
            var result = await pipeline.IngestAsync(payload);
            var got = result.Status switch
            {
                IngestStatus.Accepted => null,
                IngestStatus.Duplicate => "duplicate",
                _ => result.ReasonCode,
            };

            // The sample's own flaws (one cut-off row, five repeated rows) get the same results in both runs.
            var sampleFlaw = expected is null && got is IngestReasons.Malformed or "duplicate";
            if (got != expected && !sampleFlaw)
            {
                unexpected.Add($"{Encoding.UTF8.GetString(payload)[..Math.Min(payload.Length, 120)]}: expected {expected ?? "accepted"}, got {got ?? "accepted"} ({result.Message})");
            }
        }

        await pipeline.CompleteReplayAsync();
        var profiles = await DurabilityKit.ProfilesAsync(pipeline);
        var sends = sink.Intents.Select(i => i.SendKey + "@" + i.Due.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            .Order(StringComparer.Ordinal).ToList();
        var deadLetters = pipeline.DeadLetters.List(new DeadLetterQuery { Limit = 100_000 });
        return new Run(profiles, sends, pipeline.Clock, deadLetters, unexpected);
    }

    // The sample as the Segment JSON a client would send, one payload per event (the CSV's cut-off last row stays a
    // malformed payload of its own).
    private static List<byte[]> ReadLines()
    {
        using var stream = File.OpenRead(FindDataFile());
        var lines = new List<byte[]>();
        foreach (var record in EcommerceCsvReader.Read(stream))
        {
            lines.Add(record.Result.Success
                ? Encoding.UTF8.GetBytes(SegmentJson.Serialize(record.Result.Event))
                : Encoding.UTF8.GetBytes("{\"type\":\"track\",\"messageId\":\"cut-off\""));
        }

        return lines;
    }

    private static List<(byte[] Payload, string Reason, string Name)> Corpus() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Ingest", "Corpus"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => (File.ReadAllBytes(path), Path.GetFileName(path).Split('-')[0], Path.GetFileName(path)))
            .ToList();

    private static string FindDataFile()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", DataFile);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{DataFile} not found above {TestContext.CurrentContext.TestDirectory} (expected in ../shared/data).");
    }
}
