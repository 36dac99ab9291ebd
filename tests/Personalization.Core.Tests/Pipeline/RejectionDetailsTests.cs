using System.Diagnostics;
using System.Text;
using Personalization.Diagnostics;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class RejectionDetailsTests
{
    [Test]
    public async Task A_rejected_JSON_event_keeps_its_messageId_so_the_sender_can_find_it()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);

        var single = await pipeline.IngestAsync(Encoding.UTF8.GetBytes(
            """{"type":"track","messageId":"m-bad-time","userId":"u1","event":"Clicked","timestamp":"yesterday"}"""));
        var batch = await pipeline.IngestBatchAsync(Encoding.UTF8.GetBytes(
            """{"batch":[{"type":"shout","messageId":"m-bad-type","userId":"u1","timestamp":"2026-01-01T00:00:00Z"}]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(single.MessageId, Is.EqualTo("m-bad-time"));
            Assert.That(single.ReasonCode, Is.EqualTo(IngestReasons.InvalidTimestamp));
            Assert.That(batch[0].MessageId, Is.EqualTo("m-bad-type"));
            Assert.That(batch[0].ReasonCode, Is.EqualTo(IngestReasons.InvalidType));
        });
    }

    [Test]
    public async Task An_overlong_anonymousId_next_to_a_userId_is_rejected_as_too_large()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        var @event = new SegmentEvent
        {
            MessageId = "m-long-anon",
            Type = SegmentEventType.Track,
            UserId = "u1",
            AnonymousId = new string('a', 5000),
            Event = "Clicked",
            Timestamp = TestEvents.T0,
        };

        var result = await pipeline.IngestAsync(@event);

        Assert.Multiple(() =>
        {
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.TooLarge));
            Assert.That(result.MessageId, Is.EqualTo("m-long-anon"));
        });
    }

    [Test]
    public async Task An_ingest_call_is_traced_with_its_outcome()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PersonalizationDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) { stopped.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        var id = TestEvents.NewId();

        await pipeline.IngestBatchAsync([TestEvents.Track("u1", "Clicked", messageId: id), TestEvents.Track("u1", "Clicked", messageId: id)]);

        Activity ingest;
        lock (stopped)
        {
            ingest = stopped.Single(a => a.OperationName == "personalization.ingest" && (int?)a.GetTagItem("personalization.events") == 2);
        }

        Assert.Multiple(() =>
        {
            Assert.That(ingest.GetTagItem("personalization.accepted"), Is.EqualTo(1));
            Assert.That(ingest.GetTagItem("personalization.duplicate"), Is.EqualTo(1));
            Assert.That(ingest.GetTagItem("personalization.rejected"), Is.EqualTo(0));
        });
    }
}
