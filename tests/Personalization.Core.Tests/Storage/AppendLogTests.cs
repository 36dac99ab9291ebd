using System.Text;
using Personalization.Storage;
using Personalization.Tests.Support;

namespace Personalization.Tests.Storage;

/// <summary>The append log under the outbox: what is durable after a reopen, group commit, truncation.</summary>
public class AppendLogTests
{
    private const long Memory = 4L * 1024 * 1024;

    [Test]
    public async Task An_entry_waited_for_is_there_after_a_reopen_without_a_clean_close()
    {
        using var directory = new TempDirectory();
        var log = AppendLog.Open(directory.Path, "test.log", Memory, TimeSpan.Zero);
        var address = log.Append("first"u8);
        await log.WaitForDurableAsync(address, CancellationToken.None);
        await log.DisposeAsync(); // no commit on close: only what was waited for is durable

        await using var reopened = AppendLog.Open(directory.Path, "test.log", Memory, TimeSpan.Zero);
        Assert.That(Entries(reopened), Is.EqualTo(new[] { "first" }));
    }

    [Test]
    public async Task An_entry_nobody_waited_for_and_never_committed_is_gone_after_a_reopen()
    {
        using var directory = new TempDirectory();
        // An hour-long window: no group commit happens on its own during the test.
        var log = AppendLog.Open(directory.Path, "test.log", Memory, commitWindow: TimeSpan.FromHours(1));
        log.Append("kept"u8);
        await log.CommitAsync(CancellationToken.None);
        log.Append("lost"u8);
        log.RequestCommit();
        await log.DisposeAsync();

        await using var reopened = AppendLog.Open(directory.Path, "test.log", Memory, TimeSpan.Zero);
        Assert.That(Entries(reopened), Is.EqualTo(new[] { "kept" }));
    }

    [Test]
    public async Task Many_appends_waited_for_at_once_are_all_durable_and_in_order()
    {
        using var directory = new TempDirectory();
        var log = AppendLog.Open(directory.Path, "test.log", Memory, commitWindow: TimeSpan.FromMilliseconds(2));
        var waits = new List<Task>();
        for (var i = 0; i < 1000; i++)
        {
            var address = log.Append(Encoding.UTF8.GetBytes("e" + i));
            waits.Add(log.WaitForDurableAsync(address, CancellationToken.None).AsTask());
        }

        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(30));
        await log.DisposeAsync();

        await using var reopened = AppendLog.Open(directory.Path, "test.log", Memory, TimeSpan.Zero);
        Assert.That(Entries(reopened), Is.EqualTo(Enumerable.Range(0, 1000).Select(i => "e" + i)));
    }

    [Test]
    public async Task Truncated_entries_are_gone_and_later_ones_stay_after_a_reopen()
    {
        using var directory = new TempDirectory();
        var log = AppendLog.Open(directory.Path, "test.log", Memory, TimeSpan.Zero);
        log.Append("old"u8);
        await log.CommitAsync(CancellationToken.None);
        await log.TruncateUntilAsync(log.TailAddress, CancellationToken.None);
        await log.WaitForDurableAsync(log.Append("new"u8), CancellationToken.None);
        await log.DisposeAsync();

        await using var reopened = AppendLog.Open(directory.Path, "test.log", Memory, TimeSpan.Zero);
        Assert.That(Entries(reopened), Is.EqualTo(new[] { "new" }));
    }

    private static List<string> Entries(AppendLog log) =>
        [.. log.ReadCommitted(log.BeginAddress).Select(e => Encoding.UTF8.GetString(e.Entry, 0, e.Length))];
}
