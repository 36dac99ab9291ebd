using System.Buffers;
using MessagePack;
using Personalization.Triggers.Engine;

namespace Personalization.Tests.Triggers;

/// <summary>
/// The engine's records are read into reused objects and appended to in place (no allocation per event): they keep
/// what they kept before and store exactly the bytes the list-based records stored, so existing stores read back.
/// </summary>
public class TriggerRecordReuseTests
{
    private static readonly string[] s_outcomes = ["entered", "cancelled", "fired", "suppressed"];

    [Test]
    public void Trace_keeps_the_last_32_decisions_with_the_bytes_the_copying_trace_wrote([Values(1, 31, 32, 33, 200)] int decisions)
    {
        var trace = new TriggerTrace();
        var expected = Array.Empty<byte>();
        var expectedCount = 0;
        for (var i = 0; i < decisions; i++)
        {
            var (at, trigger, key, outcome, reason) = Decision(i);
            trace.Append(at, trigger, key, outcome, reason, TriggerEngine.MaxTrace);
            (expected, expectedCount) = CopyingAppend(expected, expectedCount, at, trigger, key, outcome, reason, TriggerEngine.MaxTrace);
        }

        var kept = trace.Decode();
        Assert.Multiple(() =>
        {
            Assert.That(trace.Bytes.ToArray(), Is.EqualTo(expected));
            Assert.That(trace.Count, Is.EqualTo(Math.Min(decisions, TriggerEngine.MaxTrace)));
            Assert.That(kept.Select(entry => entry.AtTicks),
                Is.EqualTo(Enumerable.Range(Math.Max(0, decisions - TriggerEngine.MaxTrace), trace.Count).Select(i => Decision(i).At)));
            Assert.That(kept[^1].InstanceKey, Is.EqualTo(Decision(decisions - 1).Key));
        });
    }

    [Test]
    public void A_user_record_read_into_a_reused_one_writes_back_the_bytes_it_was_read_from()
    {
        var first = new TriggerUserRecord();
        first.Entries["cart-abandonment"] = 3;
        first.Entries["welcome"] = 1;
        first.LastFired["welcome"] = 42;
        first.RecentSends.AddRange([7, 42]);
        for (var i = 0; i < 40; i++)
        {
            var (at, trigger, key, outcome, reason) = Decision(i);
            first.Trace.Append(at, trigger, key, outcome, reason, TriggerEngine.MaxTrace);
        }

        var second = new TriggerUserRecord();
        second.Entries["win-back"] = 9;
        second.Trace.Append(1, "win-back", "someone-else", "entered", "entered", TriggerEngine.MaxTrace);

        var known = new KnownStrings(["cart-abandonment", "welcome", "win-back"]);
        var reused = new TriggerUserRecord();
        foreach (var record in new[] { first, second, first })
        {
            var bytes = MessagePackSerializer.Serialize(record);
            var reader = new MessagePackReader(bytes);
            TriggerUserFormatter.Read(ref reader, reused, known);
            Assert.That(MessagePackSerializer.Serialize(reused), Is.EqualTo(bytes));
        }

        Assert.That(reused.Entries.Keys.First(), Is.SameAs("cart-abandonment"), "a trigger name is the known string, not a copy");
    }

    [Test]
    public void Instance_record_keeps_the_last_five_events_with_the_bytes_of_the_list_based_record([Values(1, 5, 6, 12)] int events)
    {
        var instance = new TriggerInstanceRecord { Trigger = "cart-abandonment", InstanceKey = "cart-7", UserId = "user-1" };
        var names = new List<string>();
        var ticks = new List<long>();
        var ids = new List<string>();
        for (var i = 0; i < events; i++)
        {
            var name = i % 2 == 0 ? "Product Added" : "Product Removed";
            var id = i % 3 == 0 ? null : "m-" + i;
            instance.AddEvent(name, 1000 + i, id);
            names.Add(name);
            ticks.Add(1000 + i);
            ids.Add(id ?? string.Empty);
        }

        instance.Occurrence = 2;
        instance.Restarts = events - 1;
        instance.DueAtTicks = 5000;
        instance.FiledTicks = 4000;
        var keep = Math.Max(0, events - TriggerInstanceRecord.MaxEvents);
        var expected = ListBasedInstance(instance, names.Skip(keep).ToList(), ticks.Skip(keep).ToList(), ids.Skip(keep).ToList());

        var bytes = MessagePackSerializer.Serialize(instance);
        var reused = new TriggerInstanceRecord { Trigger = "x", InstanceKey = "y", UserId = "z" };
        reused.AddEvent("Earlier", 1, "m-earlier");
        var reader = new MessagePackReader(bytes);
        TriggerInstanceFormatter.Read(ref reader, reused, known: null, "cart-abandonment", "cart-7", "user-1");
        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.EqualTo(expected));
            Assert.That(MessagePackSerializer.Serialize(reused), Is.EqualTo(expected), "read into a reused record and written back");
            Assert.That(reused.EventNames.Count, Is.EqualTo(Math.Min(events, TriggerInstanceRecord.MaxEvents)));
        });
    }

    private static (long At, string Trigger, string Key, string Outcome, string Reason) Decision(int i) =>
        (1_000_000L * i, i % 3 == 0 ? "welcome" : "cart-abandonment", "cart-" + i, s_outcomes[i % s_outcomes.Length],
            i % 5 == 0 ? "quiet hours" : "fired");

    // The trace's append before it kept its own buffer: a new buffer per append, the kept entries copied into it.
    private static (byte[] Entries, int Count) CopyingAppend(byte[] entries, int count, long atTicks, string trigger, string instanceKey,
        string outcome, string reason, int capacity)
    {
        var keep = entries.AsMemory();
        if (count >= capacity)
        {
            var reader = new MessagePackReader(keep);
            for (var i = 0; i <= count - capacity; i++)
            {
                reader.Skip();
            }

            keep = keep[(int)reader.Consumed..];
            count = capacity - 1;
        }

        var buffer = new ArrayBufferWriter<byte>(keep.Length + 64);
        buffer.Write(keep.Span);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write(atTicks);
        writer.Write(trigger);
        writer.Write(instanceKey);
        writer.Write(outcome);
        writer.Write(reason);
        writer.Flush();
        return (buffer.WrittenSpan.ToArray(), count + 1);
    }

    // The instance record as the formatter wrote it when its events were lists.
    private static byte[] ListBasedInstance(TriggerInstanceRecord value, List<string> names, List<long> ticks, List<string> ids)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(12);
        writer.Write(value.Trigger);
        writer.Write(value.InstanceKey);
        writer.Write(value.UserId);
        writer.Write(value.Occurrence);
        writer.Write(value.EnteredAtTicks);
        writer.Write(value.DueAtTicks);
        writer.Write(value.Restarts);
        writer.Write(value.OriginalDueTicks);
        writer.WriteArrayHeader(names.Count);
        foreach (var name in names)
        {
            writer.Write(name);
        }

        writer.WriteArrayHeader(ticks.Count);
        foreach (var tick in ticks)
        {
            writer.Write(tick);
        }

        writer.WriteArrayHeader(ids.Count);
        foreach (var id in ids)
        {
            writer.Write(id);
        }

        writer.Write(value.FiledTicks);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
