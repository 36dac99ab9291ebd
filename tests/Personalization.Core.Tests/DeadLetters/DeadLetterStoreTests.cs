using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Personalization.DeadLetters;
using Personalization.Tests.Support;

namespace Personalization.Tests.DeadLetters;

/// <summary>The dead-letter store: what goes in comes out, filtered, across restarts and crashes, once each.</summary>
public class DeadLetterStoreTests
{
    internal static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Appended_entries_are_listed_oldest_first_with_their_reason_message_time_and_raw_payload()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        using var store = Open(directory, time);

        Assert.That(await store.AppendAsync([Rejected("malformed", "{not json", "m1")]), Is.True);
        time.Advance(TimeSpan.FromMinutes(1));
        await store.AppendAsync([Rejected("missing_field", """{"type":"track"}""", "m2", userId: "ada")]);

        var entries = store.List(new DeadLetterQuery());
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => (e.Reason, e.Raw, e.MessageId, e.At)), Is.EqualTo(new[]
            {
                ("malformed", "{not json", "m1", T0),
                ("missing_field", """{"type":"track"}""", "m2", T0.AddMinutes(1)),
            }));
            Assert.That(entries.Select(e => e.Id), Is.Ordered.Ascending.And.Unique);
            Assert.That(entries.Select(e => e.Kind), Has.All.EqualTo(DeadLetterKind.RejectedEvent));
            Assert.That(entries[1].UserId, Is.EqualTo("ada"));
            Assert.That(entries[0].Message, Is.EqualTo("malformed: m1"));
        });
    }

    [Test]
    public async Task A_query_filters_by_kind_reason_time_message_id_and_user_and_pages_by_id()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        using var store = Open(directory, time);
        await store.AppendAsync([Rejected("malformed", "a", "m1"), Rejected("missing_field", "b", "m2", userId: "ada")]);
        time.Advance(TimeSpan.FromHours(1));
        await store.AppendAsync([FailedSend("cart:bob:1", "bob"), Rejected("malformed", "c", "m3", userId: "ada")]);

        Assert.Multiple(() =>
        {
            Assert.That(Raws(store, new DeadLetterQuery { Reasons = ["malformed"] }), Is.EqualTo(new[] { "a", "c" }));
            Assert.That(store.List(new DeadLetterQuery { Kinds = [DeadLetterKind.FailedSend] }).Select(e => e.SendKey), Is.EqualTo(new[] { "cart:bob:1" }));
            Assert.That(Raws(store, new DeadLetterQuery { From = T0.AddMinutes(30), Kinds = [DeadLetterKind.RejectedEvent] }), Is.EqualTo(new[] { "c" }));
            Assert.That(Raws(store, new DeadLetterQuery { To = T0.AddMinutes(30) }), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(Raws(store, new DeadLetterQuery { UserId = "ada" }), Is.EqualTo(new[] { "b", "c" }));
            Assert.That(Raws(store, new DeadLetterQuery { MessageId = "m2" }), Is.EqualTo(new[] { "b" }));
            Assert.That(Raws(store, new DeadLetterQuery { Limit = 2 }), Is.EqualTo(new[] { "a", "b" }));
        });

        var first = store.List(new DeadLetterQuery { Limit = 2 });
        var next = store.List(new DeadLetterQuery { Limit = 2, AfterId = first[^1].Id });
        Assert.That(next.Select(e => e.SendKey ?? e.Raw), Is.EqualTo(new[] { "cart:bob:1", "c" }));
    }

    [Test]
    public async Task Purge_removes_the_matching_entries_and_keeps_the_rest()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0));
        await store.AppendAsync([Rejected("malformed", "a"), Rejected("missing_field", "b"), Rejected("malformed", "c"), FailedSend("k", "u")]);

        var purged = store.Purge(new DeadLetterQuery { Reasons = ["malformed"], Limit = 1 });

        Assert.Multiple(() =>
        {
            Assert.That(purged, Is.EqualTo(2), "the limit does not apply to a purge");
            Assert.That(store.List(new DeadLetterQuery()).Select(e => e.Reason), Is.EqualTo(new[] { "missing_field", "retries_exhausted" }));
            Assert.That(store.Statistics.Count, Is.EqualTo(2));
            Assert.That(Directory.EnumerateFiles(Path.Combine(directory.Path, "deadletters"), "*.tmp"), Is.Empty);
        });
    }

    [Test]
    public async Task Remove_by_ids_removes_exactly_those_entries_and_appends_go_on_after_it()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0));
        await store.AppendAsync([Rejected("malformed", "a"), Rejected("malformed", "b"), Rejected("malformed", "c")]);
        var ids = store.List(new DeadLetterQuery()).Select(e => e.Id).ToList();

        var removed = store.Remove([ids[0], ids[2], 999_999]);
        await store.AppendAsync([Rejected("malformed", "d")]);

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.EqualTo(2));
            Assert.That(Raws(store, new DeadLetterQuery()), Is.EqualTo(new[] { "b", "d" }));
        });
    }

    [Test]
    public async Task After_a_restart_the_entries_are_still_there_and_ids_go_on_where_they_stopped()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        long lastId;
        using (var store = Open(directory, time))
        {
            await store.AppendAsync([Rejected("malformed", "a"), Rejected("malformed", "b")]);
            lastId = store.List(new DeadLetterQuery())[^1].Id;
            // Even with the newest entries removed, their ids are not handed out again.
            store.Remove([lastId]);
        }

        using var reopened = Open(directory, time);
        await reopened.AppendAsync([Rejected("malformed", "c")]);

        var entries = reopened.List(new DeadLetterQuery());
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Raw), Is.EqualTo(new[] { "a", "c" }));
            Assert.That(entries[^1].Id, Is.GreaterThan(lastId));
        });
    }

    [Test]
    public async Task A_line_torn_by_a_crash_is_dropped_at_the_restart_and_the_rest_is_kept()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        using (var store = Open(directory, time))
        {
            await store.AppendAsync([Rejected("malformed", "a"), Rejected("malformed", "b")]);
        }

        // What a kill in the middle of a write leaves: the start of a line without its end.
        var segment = Directory.EnumerateFiles(Path.Combine(directory.Path, "deadletters"), "*.jsonl").Single();
        File.AppendAllText(segment, """{"id":3,"kind":"rejected_event","reason":"malf""");

        using var reopened = Open(directory, time);
        await reopened.AppendAsync([Rejected("malformed", "c")]);

        Assert.Multiple(() =>
        {
            Assert.That(Raws(reopened, new DeadLetterQuery()), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(reopened.Statistics.Count, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task A_damaged_line_in_the_middle_is_skipped_and_the_others_are_read()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        using (var store = Open(directory, time))
        {
            await store.AppendAsync([Rejected("malformed", "a"), Rejected("malformed", "b"), Rejected("malformed", "c")]);
        }

        var segment = Directory.EnumerateFiles(Path.Combine(directory.Path, "deadletters"), "*.jsonl").Single();
        var lines = File.ReadAllLines(segment);
        lines[1] = "\0\0\0 not a dead letter";
        File.WriteAllLines(segment, lines);

        using var reopened = Open(directory, time);
        await reopened.AppendAsync([Rejected("malformed", "d")]);

        var entries = reopened.List(new DeadLetterQuery());
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Raw), Is.EqualTo(new[] { "a", "c", "d" }));
            Assert.That(entries[^1].Id, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task A_raw_payload_that_is_not_utf8_is_kept_as_base64_and_comes_back_byte_for_byte()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0));
        byte[] raw = [0x7B, 0xFF, 0xFE, 0x00, 0x22];

        await store.AppendAsync([new DeadLetterDraft { Kind = DeadLetterKind.RejectedEvent, Reason = "malformed", Message = "not UTF-8", Raw = raw }]);

        var entry = store.List(new DeadLetterQuery()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.RawEncoding, Is.EqualTo(DeadLetterRawEncoding.Base64));
            Assert.That(entry.Raw, Is.EqualTo(Convert.ToBase64String(raw)));
            Assert.That(entry.GetRawBytes(), Is.EqualTo(raw));
        });
    }

    [Test]
    public async Task A_raw_payload_over_the_limit_is_cut_at_a_character_boundary_and_flagged()
    {
        using var directory = new TempDirectory();
        var options = new DeadLetterOptions { MaxRawBytes = 256 };
        using var store = Open(directory, new FakeTimeProvider(T0), options);
        // 255 ASCII bytes then a 2-byte character: the limit falls inside it.
        var text = new string('a', 255) + "é" + new string('b', 100);

        await store.AppendAsync([Rejected("malformed", text), Rejected("malformed", "short")]);

        var entries = store.List(new DeadLetterQuery());
        Assert.Multiple(() =>
        {
            Assert.That(entries[0].Raw, Is.EqualTo(new string('a', 255)));
            Assert.That((entries[0].RawTruncated, entries[0].RawEncoding), Is.EqualTo((true, DeadLetterRawEncoding.Text)));
            Assert.That((entries[1].Raw, entries[1].RawTruncated), Is.EqualTo(("short", false)));
        });
    }

    [Test]
    public async Task RemoveUser_removes_the_users_entries_by_user_id_and_by_the_ids_in_the_raw_payload()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0));
        await store.AppendAsync(
        [
            FailedSend("cart:ada:1", "ada"),
            Rejected("missing_field", """{"anonymousId":"ada","type":"track"}"""),
            Rejected("invalid_type", """{"userId":"ada","type":"nope"}"""),
            Rejected("invalid_type", """{"userId":"adam","type":"nope"}""", userId: "adam"),
            Rejected("malformed", "ada is mentioned in text that is not JSON"),
            FailedSend("cart:bob:1", "bob"),
        ]);

        var removed = store.RemoveUser("ada");

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.EqualTo(3));
            Assert.That(store.List(new DeadLetterQuery()).Select(e => e.UserId ?? e.Raw),
                Is.EqualTo(new[] { "adam", "ada is mentioned in text that is not JSON", "bob" }));
        });
    }

    [Test]
    public async Task Appends_from_many_threads_at_once_are_all_kept_exactly_once()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0));
        const int Writers = 8, PerWriter = 200;

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var ok = true;
            for (var i = 0; i < PerWriter; i++)
            {
                ok &= await store.AppendAsync([Rejected("malformed", $"{w}:{i}")]);
            }

            return ok;
        })));

        var raws = store.List(new DeadLetterQuery { Limit = int.MaxValue }).Select(e => e.Raw).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results, Has.All.True);
            Assert.That(raws, Has.Count.EqualTo(Writers * PerWriter).And.Unique);
            // Each writer's entries keep its order.
            Assert.That(raws.Where(r => r!.StartsWith("3:", StringComparison.Ordinal)), Is.EqualTo(Enumerable.Range(0, PerWriter).Select(i => $"3:{i}")));
        });
    }

    [Test]
    public async Task The_export_writes_one_json_object_per_line_with_reason_message_and_raw()
    {
        using var directory = new TempDirectory();
        using var store = Open(directory, new FakeTimeProvider(T0));
        await store.AppendAsync([Rejected("malformed", "{\"a\":\n1}"), FailedSend("cart:ada:1", "ada")]);

        using var export = new MemoryStream();
        var written = store.ExportTo(export);

        var lines = Encoding.UTF8.GetString(export.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var objects = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(written, Is.EqualTo(2));
            Assert.That(objects.Select(o => o.GetProperty("reason").GetString()), Is.EqualTo(new[] { "malformed", "retries_exhausted" }));
            Assert.That(objects.Select(o => o.GetProperty("message").GetString()), Has.All.Not.Empty);
            Assert.That(objects[0].GetProperty("raw").GetString(), Is.EqualTo("{\"a\":\n1}"));
            Assert.That(objects[1].GetProperty("raw").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(objects.Select(o => o.GetProperty("kind").GetString()), Is.EqualTo(new[] { "rejected_event", "failed_send" }));
            Assert.That(objects[0].GetProperty("at").GetDateTimeOffset(), Is.EqualTo(T0));
            Assert.That(objects[1].GetProperty("send_key").GetString(), Is.EqualTo("cart:ada:1"));
        });
    }

    [Test]
    public async Task After_dispose_reads_still_work_and_appends_fail_without_throwing()
    {
        using var directory = new TempDirectory();
        var store = Open(directory, new FakeTimeProvider(T0));
        await store.AppendAsync([Rejected("malformed", "a")]);
        store.Dispose();

        Assert.Multiple(async () =>
        {
            Assert.That(await store.AppendAsync([Rejected("malformed", "b")]), Is.False);
            Assert.That(await store.Post(Rejected("malformed", "c")), Is.False);
            Assert.That(Raws(store, new DeadLetterQuery()), Is.EqualTo(new[] { "a" }));
            Assert.That(store.Statistics.WriteFailures, Is.EqualTo(2));
        });
    }

    internal static DeadLetterStore Open(TempDirectory directory, TimeProvider time, DeadLetterOptions? options = null, bool durable = true) =>
        DeadLetterStore.Open(Path.Combine(directory.Path, DeadLetterStore.DirectoryName), options ?? new DeadLetterOptions(), time, durable);

    internal static DeadLetterDraft Rejected(string reason, string raw, string? messageId = null, string? userId = null) => new()
    {
        Kind = DeadLetterKind.RejectedEvent,
        Reason = reason,
        Message = reason + ": " + messageId,
        MessageId = messageId,
        UserId = userId,
        Raw = Encoding.UTF8.GetBytes(raw),
    };

    internal static DeadLetterDraft FailedSend(string sendKey, string userId) => new()
    {
        Kind = DeadLetterKind.FailedSend,
        Reason = "retries_exhausted",
        Message = "The email failed after 3 attempts.",
        UserId = userId,
        SendKey = sendKey,
        Trigger = "cart_abandonment",
        To = userId + "@example.com",
        Attempts = 3,
        Error = "connection refused",
    };

    private static IEnumerable<string?> Raws(DeadLetterStore store, DeadLetterQuery query) => store.List(query).Select(e => e.Raw);
}
