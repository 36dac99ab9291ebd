using Microsoft.Extensions.Time.Testing;
using Personalization.DeadLetters;
using Personalization.Tests.Support;
using static Personalization.Tests.DeadLetters.DeadLetterStoreTests;

namespace Personalization.Tests.DeadLetters;

/// <summary>Invariant 6 for dead letters: bounded by size and by age, the oldest go first, and what went is counted.</summary>
public class DeadLetterBoundsTests
{
    [Test]
    public async Task Over_MaxBytes_the_oldest_segments_are_dropped_and_counted_and_the_newest_entries_kept()
    {
        using var directory = new TempDirectory();
        var options = new DeadLetterOptions { MaxBytes = 64 * 1024, SegmentBytes = 8 * 1024, MaxRawBytes = 1024 };
        using var store = Open(directory, new FakeTimeProvider(T0), options);
        var raw = new string('x', 900);

        for (var i = 0; i < 200; i++)
        {
            await store.AppendAsync([Rejected("malformed", raw, messageId: "m" + i)]);
        }

        var statistics = store.Statistics;
        var kept = store.List(new DeadLetterQuery { Limit = int.MaxValue });
        var onDisk = Directory.EnumerateFiles(Path.Combine(directory.Path, "deadletters"), "*.jsonl").Sum(f => new FileInfo(f).Length);
        Assert.Multiple(() =>
        {
            Assert.That(statistics.Bytes, Is.LessThanOrEqualTo(options.MaxBytes).And.EqualTo(onDisk));
            Assert.That(statistics.DroppedBySize, Is.GreaterThan(0));
            Assert.That(statistics.Count + statistics.DroppedBySize, Is.EqualTo(200));
            Assert.That(kept, Has.Count.EqualTo(statistics.Count));
            Assert.That(kept[^1].MessageId, Is.EqualTo("m199"), "the newest entry is kept");
            Assert.That(kept.Select(e => e.Id), Is.Ordered.Ascending);
            Assert.That(statistics.DroppedByAge, Is.Zero);
        });
    }

    [Test]
    public async Task Entries_older_than_MaxAge_are_dropped_at_a_trim_and_counted_and_newer_ones_kept()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        using var store = Open(directory, time, new DeadLetterOptions { MaxAge = TimeSpan.FromDays(30) });
        await store.AppendAsync([Rejected("malformed", "old-1"), Rejected("malformed", "old-2")]);
        time.Advance(TimeSpan.FromDays(20));
        await store.AppendAsync([Rejected("malformed", "new")]);

        time.Advance(TimeSpan.FromDays(11));
        var dropped = store.Trim();

        Assert.Multiple(() =>
        {
            Assert.That(dropped, Is.EqualTo(2));
            Assert.That(store.List(new DeadLetterQuery()).Select(e => e.Raw), Is.EqualTo(new[] { "new" }));
            Assert.That(store.Statistics.DroppedByAge, Is.EqualTo(2));
            Assert.That(store.Statistics.DroppedBySize, Is.Zero);
        });
    }

    [Test]
    public async Task Expired_entries_also_go_on_the_next_append_and_the_counters_survive_a_restart()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        var options = new DeadLetterOptions { MaxAge = TimeSpan.FromDays(1) };
        long lastId;
        using (var store = Open(directory, time, options))
        {
            await store.AppendAsync([Rejected("malformed", "old")]);
            time.Advance(TimeSpan.FromDays(2));
            await store.AppendAsync([Rejected("malformed", "new")]);
            Assert.That(store.List(new DeadLetterQuery()).Select(e => e.Raw), Is.EqualTo(new[] { "new" }));
            time.Advance(TimeSpan.FromDays(2));
            store.Trim();
            lastId = 2;
        }

        using var reopened = Open(directory, time, options);
        await reopened.AppendAsync([Rejected("malformed", "after")]);
        var entry = reopened.List(new DeadLetterQuery()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(reopened.Statistics.DroppedByAge, Is.EqualTo(2));
            Assert.That(entry.Id, Is.GreaterThan(lastId), "ids go on even when every segment was dropped");
        });
    }

    [Test]
    public async Task After_a_restart_the_age_of_the_entries_on_disk_still_counts()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        using (var store = Open(directory, time))
        {
            await store.AppendAsync([Rejected("malformed", "a"), Rejected("malformed", "b")]);
        }

        time.Advance(TimeSpan.FromDays(31));
        using var reopened = Open(directory, time);

        Assert.Multiple(() =>
        {
            Assert.That(reopened.Statistics.Count, Is.EqualTo(2));
            Assert.That(reopened.Trim(), Is.EqualTo(2));
            Assert.That(reopened.Statistics.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Without_durability_appends_complete_and_are_listed_the_same()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0), durable: false);

        Assert.That(await store.AppendAsync([Rejected("malformed", "a")]), Is.True);
        Assert.That(store.List(new DeadLetterQuery()).Select(e => e.Raw), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task A_write_that_fails_returns_false_and_is_counted_and_the_next_one_succeeds()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0));
        // The first segment's file cannot be created: a directory is in its place.
        var blocker = Path.Combine(directory.Path, "deadletters", "0000000000000000001.jsonl");
        Directory.CreateDirectory(blocker);

        var failed = await store.AppendAsync([Rejected("malformed", "a")]);
        Directory.Delete(blocker);
        var written = await store.AppendAsync([Rejected("malformed", "b")]);

        Assert.Multiple(() =>
        {
            Assert.That((failed, written), Is.EqualTo((false, true)));
            Assert.That(store.Statistics.WriteFailures, Is.EqualTo(1));
            Assert.That(store.List(new DeadLetterQuery()).Select(e => e.Raw), Is.EqualTo(new[] { "b" }));
        });
    }

    [Test]
    public void Validation_names_every_bad_setting_with_its_value()
    {
        var errors = new List<string>();
        DeadLetterOptionsValidator.Validate(new DeadLetterOptions
        {
            MaxBytes = 1000,
            MaxAge = TimeSpan.FromSeconds(1),
            MaxRawBytes = 10,
            SegmentBytes = 100,
        }, errors);

        Assert.That(errors, Has.Count.EqualTo(4));
        Assert.That(errors, Has.Some.Contain("DeadLetters.MaxBytes").And.Some.Contain("DeadLetters.MaxAge").And.Some.Contain("DeadLetters.MaxRawBytes")
            .And.Some.Contain("DeadLetters.SegmentBytes").And.Some.Contain("1000"));
    }

    [Test]
    public void The_defaults_are_valid()
    {
        var errors = new List<string>();
        DeadLetterOptionsValidator.Validate(new DeadLetterOptions(), errors);
        Assert.That(errors, Is.Empty);
    }
}
