using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Personalization.Storage;
using Personalization.Tests.Support;

namespace Personalization.Tests.Storage;

/// <summary>Compaction keeps the store's log bounded under steady traffic, drops expired dedupe entries, and loses
/// nothing, across crashes too.</summary>
public class StoreCompactionTests
{
    private const int Profiles = 5_000;
    private const int DedupePerRound = 2_000;
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_round = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_window = TimeSpan.FromHours(3);

    [Test]
    public async Task Steady_traffic_with_maintenance_after_each_checkpoint_keeps_the_log_files_bounded()
    {
        var sizes = await SteadyTrafficAsync(maintain: true);

        // The log compacts once its on-disk part passes the 4 MiB floor; right after, the compacted range waits for
        // the next checkpoint, so the files peak at about the floor + the live data (1.5 MiB) + a round (1.2 MiB) + a
        // segment of rounding. Without maintenance they reach 24 MiB (see the next test).
        Assert.Multiple(() =>
        {
            Assert.That(sizes.Skip(5).Max(), Is.LessThanOrEqualTo(8L << 20), string.Join(", ", sizes));
            Assert.That(sizes[19], Is.LessThanOrEqualTo(sizes[4] + (4L << 20)), string.Join(", ", sizes));
        });
    }

    [Test]
    public async Task Steady_traffic_without_maintenance_grows_the_log_files_without_bound()
    {
        var sizes = await SteadyTrafficAsync(maintain: false);

        Assert.That(sizes[19], Is.GreaterThan(sizes[4] * 3), string.Join(", ", sizes));
    }

    // 20 rounds of updates and new dedupe ids, a checkpoint after each (and maintenance when asked): the size of the
    // log files after each round.
    private static async Task<List<long>> SteadyTrafficAsync(bool maintain)
    {
        using var directory = new TempDirectory();
        var sizes = new List<long>();
        var store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            for (var round = 0; round < 20; round++)
            {
                WriteRound(session, round);
                await store.CheckpointAsync(CancellationToken.None);
                if (maintain)
                {
                    var result = await store.MaintainAsync(s_start + (round * s_round), s_window, CancellationToken.None);
                    await WaitForTruncationAsync(directory, store.CheckpointedBeginAddress);
                    TestContext.Out.WriteLine($"round {round}: {result}");
                }

                sizes.Add(LogFileBytes(directory));
            }
        }
        finally
        {
            await store.DisposeAsync();
        }

        TestContext.Out.WriteLine(string.Join(", ", sizes.Select(s => s / 1024)));
        return sizes;
    }

    [Test]
    public async Task Compaction_drops_expired_dedupe_entries_keeps_the_rest_and_every_profile_survives_reopen()
    {
        using var directory = new TempDirectory();
        var store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            for (var round = 0; round < 6; round++)
            {
                WriteRound(session, round);
                await store.CheckpointAsync(CancellationToken.None);
            }

            // Now is the last round's time: rounds 0 and 1 are more than the window old, rounds 2 to 5 are not.
            var now = s_start + (5 * s_round);
            var result = await store.CompactAsync(store.SafeReadOnlyAddress, Personalization.Dedupe.DedupeIndex.ExpiryCutoffTicks(now, s_window),
                CancellationToken.None);
            await store.CheckpointAsync(CancellationToken.None);
            store.TruncateBelowCheckpointedBegin();
            TestContext.Out.WriteLine(result.ToString());

            Assert.Multiple(() =>
            {
                Assert.That(result.DedupeEntriesDropped, Is.EqualTo(2 * DedupePerRound));
                Assert.That(result.RecordsCopied, Is.EqualTo(Profiles + (4 * DedupePerRound) + 1));
                AssertRound(session, lastProfileRound: 5, expiredUntilRound: 2, lastDedupeRound: 5);
            });
        }
        finally
        {
            await store.DisposeAsync();
        }

        store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            Assert.That(store.Recovered, Is.True);
            AssertRound(session, lastProfileRound: 5, expiredUntilRound: 2, lastDedupeRound: 5);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Test]
    public async Task A_crash_after_compaction_before_a_checkpoint_recovers_the_last_checkpoint_intact()
    {
        using var directory = new TempDirectory();
        var store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            for (var round = 0; round < 6; round++)
            {
                WriteRound(session, round);
                await store.CheckpointAsync(CancellationToken.None);
            }

            var diskBefore = LogFileBytes(directory);
            var result = await store.CompactAsync(store.SafeReadOnlyAddress, Personalization.Dedupe.DedupeIndex.ExpiryCutoffTicks(s_start + (5 * s_round), s_window),
                CancellationToken.None);
            TestContext.Out.WriteLine($"{result}; begin {store.BeginAddress}, checkpointed begin {store.CheckpointedBeginAddress}");

            // Written after the compaction, not checkpointed: lost in the crash, like any write after the last checkpoint.
            WriteRound(session, 6);
            Assert.That(LogFileBytes(directory), Is.GreaterThanOrEqualTo(diskBefore), "no file below the checkpointed begin address is deleted");
        }
        finally
        {
            // The crash: no checkpoint since the compaction.
            await store.DisposeAsync();
        }

        store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            AssertRound(session, lastProfileRound: 5, expiredUntilRound: 0, lastDedupeRound: 5);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Test]
    public async Task A_crash_after_compaction_checkpoint_and_truncation_recovers_intact_without_the_old_segments()
    {
        using var directory = new TempDirectory();
        var store = Open(directory);
        long checkpointedBegin;
        try
        {
            using var session = store.OpenSession();
            for (var round = 0; round < 6; round++)
            {
                WriteRound(session, round);
                await store.CheckpointAsync(CancellationToken.None);
            }

            await store.CompactAsync(store.SafeReadOnlyAddress, Personalization.Dedupe.DedupeIndex.ExpiryCutoffTicks(s_start + (5 * s_round), s_window),
                CancellationToken.None);
            await store.CheckpointAsync(CancellationToken.None);
            checkpointedBegin = store.CheckpointedBeginAddress;
            store.TruncateBelowCheckpointedBegin();
            WriteRound(session, 6);
        }
        finally
        {
            await store.DisposeAsync();
        }

        Assert.That(checkpointedBegin / Options().SegmentSizeBytes, Is.GreaterThan(0));
        await WaitForTruncationAsync(directory, checkpointedBegin);

        store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            Assert.That(store.BeginAddress, Is.EqualTo(checkpointedBegin));
            AssertRound(session, lastProfileRound: 5, expiredUntilRound: 2, lastDedupeRound: 5);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Test]
    [Explicit("FASTER 2.6.5: under heavy CPU load a read pending on disk while a compaction shifts the begin address can still come back not found "
        + "(seen once in a full-suite run: 89 misses). The pipeline compacts only while its stages are held at a checkpoint barrier, so no shard "
        + "reads or updates during a compaction; run this by hand when changing compaction.")]
    public async Task Reads_and_read_modify_writes_of_other_sessions_during_compaction_lose_nothing([Values] bool compact)
    {
        // A memory budget far below the data, so that most reads and updates wait for the disk while compaction moves
        // the records they are after.
        using var directory = new TempDirectory();
        var options = Options();
        options.MemoryBudgetBytes = 1L << 20;
        options.PageSizeBytes = 64L << 10;
        var store = FasterKeyValueStore.Open(directory.Combine("store"), directory.Combine("checkpoints"), options);
        const int counters = 20_000;
        try
        {
            using (var session = store.OpenSession())
            {
                WriteRound(session, 0);
                for (var c = 0; c < counters; c++)
                {
                    session.Upsert(CounterKey(c), new byte[64]);
                }

                await store.CheckpointAsync(CancellationToken.None);
            }

            using var stop = new CancellationTokenSource();
            var misses = 0L;
            var reads = 0L;
            var increments = new long[counters];
            var reader = Task.Run(() =>
            {
                using var session = store.OpenSession();
                var value = new ArrayBufferWriter<byte>(256);
                var random = new Random(1);
                while (!stop.IsCancellationRequested)
                {
                    value.ResetWrittenCount();
                    if (!session.TryRead(ProfileKey(random.Next(Profiles)), value))
                    {
                        Interlocked.Increment(ref misses);
                    }

                    Interlocked.Increment(ref reads);
                }
            });

            // The profile stage's pattern: read the value, change it, write it back.
            var updater = Task.Run(() =>
            {
                using var session = store.OpenSession();
                var value = new ArrayBufferWriter<byte>(64);
                var random = new Random(2);
                while (!stop.IsCancellationRequested)
                {
                    var c = random.Next(counters);
                    value.ResetWrittenCount();
                    var current = new byte[64];
                    if (session.TryRead(CounterKey(c), value))
                    {
                        value.WrittenSpan.CopyTo(current);
                    }
                    else
                    {
                        Interlocked.Increment(ref misses);
                    }

                    BinaryPrimitives.WriteInt64LittleEndian(current, BinaryPrimitives.ReadInt64LittleEndian(current) + 1);
                    session.Upsert(CounterKey(c), current);
                    increments[c]++;
                }
            });

            var copied = 0L;
            using (var writer = store.OpenSession())
            {
                for (var round = 1; round < 15; round++)
                {
                    WriteRound(writer, round);
                    await store.CheckpointAsync(CancellationToken.None);
                    if (compact)
                    {
                        copied += (await store.CompactAsync(store.SafeReadOnlyAddress, long.MinValue, CancellationToken.None)).RecordsCopied;
                    }
                }
            }

            await stop.CancelAsync();
            await Task.WhenAll(reader, updater);
            using var check = store.OpenSession();
            var value = new ArrayBufferWriter<byte>(64);
            var wrongCounters = 0;
            for (var c = 0; c < counters; c++)
            {
                value.ResetWrittenCount();
                if (!check.TryRead(CounterKey(c), value) || BinaryPrimitives.ReadInt64LittleEndian(value.WrittenSpan) != increments[c])
                {
                    wrongCounters++;
                }
            }

            TestContext.Out.WriteLine($"{reads} reads, {increments.Sum()} updates, {copied} records copied, {misses} misses, {wrongCounters} wrong counters");
            Assert.Multiple(() =>
            {
                Assert.That(misses, Is.Zero, "reads that found nothing");
                Assert.That(wrongCounters, Is.Zero, "counters that lost an update");
                AssertRound(check, lastProfileRound: 14, expiredUntilRound: 0, lastDedupeRound: 14);
            });
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static StoreOptions Options()
    {
        var options = TestPipelines.SmallStore();
        options.SegmentSizeBytes = 1L << 20;
        options.CompactionMinLogBytes = 4L << 20;
        return options;
    }

    private static FasterKeyValueStore Open(TempDirectory directory) =>
        FasterKeyValueStore.Open(directory.Combine("store"), directory.Combine("checkpoints"), Options());

    // FASTER itself deletes the segments below the begin address a checkpoint recorded, in the background, shortly
    // after the checkpoint; TruncateBelowCheckpointedBegin does it at once unless FASTER's deletion has claimed them.
    // Either way the files go: wait (bounded) for the I/O, not for time.
    private static async Task WaitForTruncationAsync(TempDirectory directory, long beginAddress)
    {
        var below = beginAddress / Options().SegmentSizeBytes;
        var deadline = DateTime.UtcNow + TestPipelines.Timeout;
        List<long> left;
        while ((left = Segments(directory).Where(s => s < below).ToList()).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(left, Is.Empty, $"segments below {below} are deleted");
    }

    private static IEnumerable<long> Segments(TempDirectory directory) =>
        Directory.GetFiles(directory.Combine("store"), "hlog.log.*").Select(f => long.Parse(Path.GetExtension(f)[1..], CultureInfo.InvariantCulture));

    private static long LogFileBytes(TempDirectory directory) =>
        new DirectoryInfo(directory.Combine("store")).EnumerateFiles("hlog.log*").Sum(f => f.Length);

    // Every profile gets a new value naming the round; a new set of dedupe entries is seen at the round's time.
    private static void WriteRound(IKeyValueSession session, int round)
    {
        for (var p = 0; p < Profiles; p++)
        {
            session.Upsert(ProfileKey(p), ProfileValue(p, round));
        }

        var seen = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(seen, (s_start + (round * s_round)).UtcTicks);
        for (var d = 0; d < DedupePerRound; d++)
        {
            session.Upsert(DedupeKey(round, d), seen);
        }

        session.Upsert(StoreKeys.Create(StoreKeys.Meta, "round"), BitConverter.GetBytes(round));
    }

    private static void AssertRound(IKeyValueSession session, int lastProfileRound, int expiredUntilRound, int lastDedupeRound)
    {
        var value = new ArrayBufferWriter<byte>(256);
        var wrongProfiles = 0;
        for (var p = 0; p < Profiles; p++)
        {
            value.ResetWrittenCount();
            if (!session.TryRead(ProfileKey(p), value) || !value.WrittenSpan.SequenceEqual(ProfileValue(p, lastProfileRound)))
            {
                wrongProfiles++;
            }
        }

        var present = new int[lastDedupeRound + 2];
        for (var round = 0; round <= lastDedupeRound + 1; round++)
        {
            for (var d = 0; d < DedupePerRound; d++)
            {
                value.ResetWrittenCount();
                if (session.TryRead(DedupeKey(round, d), value))
                {
                    present[round]++;
                }
            }
        }

        var expected = Enumerable.Range(0, lastDedupeRound + 2)
            .Select(r => r < expiredUntilRound || r > lastDedupeRound ? 0 : DedupePerRound).ToArray();
        Assert.That(wrongProfiles, Is.Zero, "profiles missing or not at their last checkpointed value");
        Assert.That(present, Is.EqualTo(expected), "dedupe entries present per round");
    }

    private static byte[] ProfileKey(int p) => StoreKeys.Create(StoreKeys.Profile, "user-" + p.ToString("D5", CultureInfo.InvariantCulture));

    private static byte[] CounterKey(int c) => StoreKeys.Create((byte)'c', c.ToString(CultureInfo.InvariantCulture));

    private static byte[] DedupeKey(int round, int d) =>
        StoreKeys.Create(StoreKeys.Dedupe, $"msg-{round.ToString(CultureInfo.InvariantCulture)}-{d.ToString(CultureInfo.InvariantCulture)}");

    // About 200 bytes, different in every round.
    private static byte[] ProfileValue(int p, int round) =>
        Encoding.UTF8.GetBytes($"{{\"user\":{p.ToString(CultureInfo.InvariantCulture)},\"round\":{round.ToString(CultureInfo.InvariantCulture)},\"pad\":\"{new string('x', 150 + (p % 40))}\"}}");
}
