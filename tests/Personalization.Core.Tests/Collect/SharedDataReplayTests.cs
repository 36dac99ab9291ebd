using System.Globalization;
using Personalization.Collect;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Profiles;

namespace Personalization.Tests.Collect;

/// <summary>
/// Replays the real REES46 sample (../shared/data) through a real pipeline and checks every profile against a plain,
/// independent count over the file.
/// </summary>
public class SharedDataReplayTests
{
    private const string DataFile = "rees46-2019-oct-head.csv";

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "personalization-collect-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public void DeleteDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task Replaying_the_REES46_sample_builds_the_profiles_a_plain_count_of_the_file_expects()
    {
        var path = FindDataFile();
        var expected = ExpectedProfiles.Count(path);

        long read = 0, accepted = 0, duplicate = 0;
        var rejected = new List<(long Line, string Reason, string Message)>();
        await using (var pipeline = await PersonalizationPipeline.StartNewAsync(new PersonalizationOptions
        {
            DataDirectory = _directory,
            ShardCount = 2,
            Clock = ClockMode.EventTime,
        }))
        {
            await using (var stream = File.OpenRead(path))
            {
                var batch = new List<SegmentEvent>(1000);
                var lines = new List<long>(1000);
                foreach (var record in EcommerceCsvReader.Read(stream))
                {
                    read++;
                    if (!record.Result.Success)
                    {
                        rejected.Add((record.LineNumber, record.Result.ReasonCode, record.Result.Message));
                        continue;
                    }

                    batch.Add(record.Result.Event);
                    lines.Add(record.LineNumber);
                    if (batch.Count == 1000)
                    {
                        await IngestAsync();
                    }
                }

                await IngestAsync();

                async Task IngestAsync()
                {
                    var results = await pipeline.IngestBatchAsync(batch);
                    for (var i = 0; i < results.Count; i++)
                    {
                        switch (results[i].Status)
                        {
                            case IngestStatus.Accepted: accepted++; break;
                            case IngestStatus.Duplicate: duplicate++; break;
                            default: rejected.Add((lines[i], results[i].ReasonCode!, results[i].Message!)); break;
                        }
                    }

                    batch.Clear();
                    lines.Clear();
                }
            }

            await pipeline.CompleteReplayAsync();

            var profiles = new List<CustomerProfile>();
            await foreach (var profile in pipeline.ScanAsync())
            {
                profiles.Add(profile);
            }

            Assert.Multiple(() =>
            {
                Assert.That(read, Is.EqualTo(17_435), "rows read");
                Assert.That(rejected, Has.Count.EqualTo(1), "rows rejected");
                Assert.That(duplicate, Is.EqualTo(5), "duplicate rows");
                Assert.That(accepted, Is.EqualTo(17_429), "rows accepted");
                Assert.That(profiles, Has.Count.EqualTo(4_504), "profiles");
            });

            var cutOff = rejected[0];
            Assert.Multiple(() =>
            {
                Assert.That(cutOff.Line, Is.EqualTo(17_436), "the cut-off row is the file's last line");
                Assert.That(cutOff.Reason, Is.EqualTo(IngestReasons.Malformed));
                Assert.That(cutOff.Message, Does.StartWith("Line 17436:"));
            });

            Assert.That(profiles.Select(p => p.UserId), Is.EquivalentTo(expected.Keys));
            foreach (var profile in profiles)
            {
                var want = expected[profile.UserId];
                Assert.Multiple(() =>
                {
                    Assert.That(profile.EventCounts, Is.EquivalentTo(want.EventCounts), $"event counts of {profile.UserId}");
                    Assert.That(profile.EventCount, Is.EqualTo(want.Events), $"events of {profile.UserId}");
                    Assert.That(profile.FirstSeen, Is.EqualTo(want.FirstSeen), $"first seen of {profile.UserId}");
                    Assert.That(profile.LastSeen, Is.EqualTo(want.LastSeen), $"last seen of {profile.UserId}");
                    Assert.That(profile.OrderCount, Is.EqualTo(want.Orders), $"orders of {profile.UserId}");
                    Assert.That(profile.TotalSpent, Is.EqualTo(want.Spent), $"total spent of {profile.UserId}");
                    Assert.That(profile.CartQuantity, Is.EqualTo(want.CartQuantity), $"cart of {profile.UserId}");
                });
            }
        }
    }

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

        Assert.Ignore($"The REES46 sample shared/data/{DataFile} was not found in any parent directory of {TestContext.CurrentContext.TestDirectory}; it is not part of the repository.");
        return null!;
    }

    /// <summary>What one user's profile should hold, counted straight from the CSV text.</summary>
    private sealed class ExpectedProfile
    {
        public Dictionary<string, long> EventCounts { get; } = new(StringComparer.Ordinal);

        public long Events { get; set; }

        public DateTimeOffset FirstSeen { get; set; } = DateTimeOffset.MaxValue;

        public DateTimeOffset LastSeen { get; set; } = DateTimeOffset.MinValue;

        public long Orders { get; set; }

        public decimal Spent { get; set; }

        public int CartQuantity { get; set; }
    }

    private static class ExpectedProfiles
    {
        // Deliberately plain: string.Split, a set of the raw lines seen, and nothing from the library.
        public static Dictionary<string, ExpectedProfile> Count(string path)
        {
            var profiles = new Dictionary<string, ExpectedProfile>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var fields = line.Split(',');
                if (fields.Length != 9 || !seen.Add(line))
                {
                    continue;
                }

                var time = new DateTimeOffset(DateTime.ParseExact(fields[0], "yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), TimeSpan.Zero);
                var name = fields[1] switch
                {
                    "view" => "Product Viewed",
                    "cart" => "Product Added",
                    "remove_from_cart" => "Product Removed",
                    "purchase" => "Order Completed",
                    _ => throw new InvalidDataException($"Unexpected event_type '{fields[1]}'."),
                };
                if (!profiles.TryGetValue(fields[7], out var profile))
                {
                    profiles[fields[7]] = profile = new ExpectedProfile();
                }

                profile.Events++;
                profile.EventCounts[name] = profile.EventCounts.GetValueOrDefault(name) + 1;
                profile.FirstSeen = time < profile.FirstSeen ? time : profile.FirstSeen;
                profile.LastSeen = time > profile.LastSeen ? time : profile.LastSeen;
                switch (fields[1])
                {
                    case "cart":
                        profile.CartQuantity++;
                        break;
                    case "purchase":
                        profile.Orders++;
                        profile.Spent += decimal.Parse(fields[6], CultureInfo.InvariantCulture);
                        profile.CartQuantity = 0;
                        break;
                }
            }

            return profiles;
        }
    }
}
