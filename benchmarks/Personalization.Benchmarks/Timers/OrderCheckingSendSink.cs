using System.Globalization;
using Personalization.Internal;
using Personalization.Triggers;

namespace Personalization.Benchmarks.Timers;

/// <summary>
/// Counts send intents and checks them without keeping them: per shard, due times must never go down; every user
/// fires at most once; each intent is due exactly its entry time plus the delay.
/// </summary>
/// <remarks>
/// The engine calls <see cref="Submit"/> on the shard that owns the user, one call at a time per shard, so the
/// per-shard state needs no lock; the shard is found the way the pipeline routes the user. Only the counters that
/// several shards share are interlocked.
/// </remarks>
internal sealed class OrderCheckingSendSink : ISendIntentSink
{
    private readonly int _shardCount;
    private readonly long _delayTicks;
    private readonly long[] _lastDueTicks;
    private readonly long[] _firedPerShard;
    private readonly ulong[] _seen;
    private long _orderViolations;
    private long _duplicates;
    private long _wrongDue;
    private long _unknownUsers;

    public OrderCheckingSendSink(int users, int shardCount, TimeSpan delay)
    {
        _shardCount = shardCount;
        _delayTicks = delay.Ticks;
        _lastDueTicks = new long[shardCount];
        Array.Fill(_lastDueTicks, long.MinValue);
        _firedPerShard = new long[shardCount];
        _seen = new ulong[(users + 63) / 64];
    }

    /// <summary>The user id of user number <paramref name="index"/>: the sink reads the number back.</summary>
    public static string UserId(int index) => "u" + index.ToString("D9", CultureInfo.InvariantCulture);

    public long Fired
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _firedPerShard.Length; i++)
            {
                total += Volatile.Read(ref _firedPerShard[i]);
            }

            return total;
        }
    }

    /// <summary>Intents due earlier than the one before them on the same shard.</summary>
    public long OrderViolations => Interlocked.Read(ref _orderViolations);

    /// <summary>Intents for a user who had fired already.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Intents whose due time is not their entry time plus the delay.</summary>
    public long WrongDue => Interlocked.Read(ref _wrongDue);

    /// <summary>Intents for a user id the benchmark did not make.</summary>
    public long UnknownUsers => Interlocked.Read(ref _unknownUsers);

    public void Submit(SendIntent intent)
    {
        var shard = StableHash.Shard(intent.UserId, _shardCount);
        var due = intent.Due.UtcTicks;
        if (due < _lastDueTicks[shard])
        {
            Interlocked.Increment(ref _orderViolations);
        }
        else
        {
            _lastDueTicks[shard] = due;
        }

        if (due - intent.EnteredAt.UtcTicks != _delayTicks)
        {
            Interlocked.Increment(ref _wrongDue);
        }

        _firedPerShard[shard]++;
        if (!int.TryParse(intent.UserId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || index < 0 || index >= _seen.Length * 64)
        {
            Interlocked.Increment(ref _unknownUsers);
            return;
        }

        // Users of different shards can share a word of the bitmap: set the bit atomically.
        var bit = 1UL << (index & 63);
        if ((Interlocked.Or(ref _seen[index >> 6], bit) & bit) != 0)
        {
            Interlocked.Increment(ref _duplicates);
        }
    }
}
