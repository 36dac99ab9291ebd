using Personalization.Storage;

namespace Personalization.Core.Tests.Storage;

public sealed class StoreCompactionPolicyTests
{
    private const long MiB = 1L << 20;

    [Test]
    public void A_compaction_larger_than_one_run_goes_in_bounded_slices_over_the_following_checkpoints()
    {
        var policy = new StoreCompaction(new StoreOptions
        {
            CompactionMinLogBytes = 4 * MiB,
            CompactionTriggerRatio = 2.0,
            CompactionMaxBytesPerCheckpoint = 3 * MiB,
        });

        // Below the floor: nothing to do.
        Assert.That(policy.ShouldCompact(0, 4 * MiB), Is.False);

        // 10 MiB read-only: a compaction up to 10 MiB starts, 3 MiB per run.
        var begin = 0L;
        var slices = new List<long>();
        var readOnly = 10 * MiB;
        while (policy.ShouldCompact(begin, readOnly))
        {
            var until = policy.ChooseUntilAddress(begin, readOnly);
            slices.Add(until);
            begin = until;
            readOnly += MiB; // traffic goes on between checkpoints; the copies land above the target
            policy.Compacted(begin, logBytesAfter: readOnly - begin);
        }

        Assert.Multiple(() =>
        {
            Assert.That(slices, Is.EqualTo(new[] { 3 * MiB, 6 * MiB, 9 * MiB, 10 * MiB }), "each run compacts at most 3 MiB, up to the target");
            Assert.That(policy.LiveBytesEstimate, Is.EqualTo(4 * MiB), "the live estimate is taken once the target is reached");
            Assert.That(policy.ThresholdBytes, Is.EqualTo(8 * MiB));
        });

        // The next compaction waits until the log is twice the live estimate again.
        Assert.That(policy.ShouldCompact(begin, begin + (8 * MiB)), Is.False);
        Assert.That(policy.ShouldCompact(begin, begin + (8 * MiB) + 1), Is.True);
    }
}
