using Personalization.Collect;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>
/// Replays the real REES46 sample (../shared/data) in event time with the built-in cart abandonment trigger: the
/// counts are the ones the Replay sample prints for the same file.
/// </summary>
public class CartAbandonmentReplayTests
{
    private const string DataFile = "rees46-2019-oct-head.csv";

    [TestCase(1)]
    [TestCase(4)]
    public async Task Replaying_the_REES46_sample_gives_the_cart_abandonment_counts_of_the_replay_sample(int shardCount)
    {
        var path = FindDataFile();
        using var directory = new TempDirectory();
        var sink = new TriggerSendRecorder();
        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink, shardCount, Trigger.CartAbandonment());

        await using (var stream = File.OpenRead(path))
        {
            var batch = new List<SegmentEvent>(1000);
            foreach (var record in EcommerceCsvReader.Read(stream))
            {
                if (record.Result.Success)
                {
                    batch.Add(record.Result.Event);
                }

                if (batch.Count == 1000)
                {
                    await pipeline.IngestBatchAsync(batch);
                    batch.Clear();
                }
            }

            await pipeline.IngestBatchAsync(batch);
        }

        await pipeline.CompleteReplayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName), Is.EqualTo((123L, 41L, 70L, 0L, 53L)),
                "entered, restarted, cancelled, suppressed, fired");
            Assert.That(sink.Intents, Has.Count.EqualTo(53));
            Assert.That(sink.Intents.Select(i => i.SendKey), Is.Unique);
            Assert.That(sink.Intents, Has.All.Matches<SendIntent>(i => i.Due - i.EnteredAt >= TimeSpan.FromHours(1)));
            Assert.That(pipeline.Options.Clock, Is.EqualTo(ClockMode.EventTime));
        });
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
}
