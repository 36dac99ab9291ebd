using Personalization.Storage;
using Personalization.Tests.Support;

namespace Personalization.Tests.Storage;

public class IngestLogBatchTests
{
    [Test]
    public void Every_entry_reads_back_as_its_event_after_the_batch_grew_many_times()
    {
        var batch = new IngestLogBatch(expectedBytes: 1);
        var events = Enumerable.Range(0, 300).Select(i => TestEvents.ProductAdded("user-" + i, "p" + i, at: TestEvents.At(i))).ToArray();
        var places = events.Select(e => batch.AddEvent(e, TestEvents.T0)).ToArray();

        Assert.Multiple(() =>
        {
            for (var i = 0; i < events.Length; i++)
            {
                var entry = IngestLogEntry.Read(batch.Entry(places[i].Offset, places[i].Length).ToArray());
                Assert.That(entry.Event!.MessageId, Is.EqualTo(events[i].MessageId));
                Assert.That(entry.Event.UserId, Is.EqualTo(events[i].UserId));
                Assert.That(entry.IngestTime, Is.EqualTo(TestEvents.T0));
            }
        });
    }

    // The dedupe stage appends entries while the caller is still writing (and growing) the batch: what it reads must be
    // the entry as written, whatever happens to the array afterwards.
    [Test]
    public async Task Entries_read_while_the_batch_is_still_written_are_intact()
    {
        var batch = new IngestLogBatch(expectedBytes: 64);
        var events = Enumerable.Range(0, 2000).Select(i => TestEvents.Page("user-" + i, at: TestEvents.At(i))).ToArray();
        var written = new System.Collections.Concurrent.BlockingCollection<(int Index, int Offset, int Length)>();
        var reader = Task.Run(() =>
        {
            var wrong = 0;
            foreach (var (index, offset, length) in written.GetConsumingEnumerable())
            {
                var entry = IngestLogEntry.Read(batch.Entry(offset, length).ToArray());
                wrong += entry.Event!.MessageId == events[index].MessageId ? 0 : 1;
                batch.Release();
            }

            return wrong;
        });

        for (var i = 0; i < events.Length; i++)
        {
            var (offset, length) = batch.AddEvent(events[i], TestEvents.T0);
            written.Add((i, offset, length));
        }

        written.CompleteAdding();
        batch.Release();
        Assert.That(await reader.WaitAsync(TestPipelines.Timeout), Is.Zero);
    }
}
