using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Personalization.Events;
using Personalization.Internal;
using Personalization.Profiles;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// The stages of both baselines in TPL Dataflow, as the documentation shows them: a bounded dedupe
/// <see cref="TransformBlock{TInput, TOutput}"/> (a <see cref="ConcurrentDictionary{TKey, TValue}"/> of message ids),
/// linked by a predicate to one bounded <see cref="ActionBlock{TInput}"/> per shard (users routed by the engine's
/// stable hash, so each user's events keep their order), which applies the event to the profile with the engine's
/// own profile rules and evaluates the triggers. The ingest call posts each event with <c>SendAsync</c>, which waits
/// while the first block is full, and returns: nothing is written to disk.
/// </summary>
internal abstract class DataflowPipeline : ISystemUnderTest
{
    /// <summary>Each block's capacity, the engine's default channel capacity.</summary>
    protected const int BlockCapacity = 4_096;

    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly TransformBlock<BaselineItem, BaselineItem> _dedupe;
    private readonly ActionBlock<BaselineItem>[] _shards;
    private readonly CountingSendSink _sink = new();
    private long _ingested;
    private long _finished;

    protected DataflowPipeline(int shards, bool applyAsynchronously)
    {
        Triggers = new BaselineTriggers(TimeProvider.System, _sink);
        _dedupe = new TransformBlock<BaselineItem, BaselineItem>(Dedupe,
            new ExecutionDataflowBlockOptions { BoundedCapacity = BlockCapacity, MaxDegreeOfParallelism = 1 });
        var shardOptions = new ExecutionDataflowBlockOptions { BoundedCapacity = BlockCapacity, MaxDegreeOfParallelism = 1 };
        _shards = new ActionBlock<BaselineItem>[shards];
        var link = new DataflowLinkOptions { PropagateCompletion = true };
        for (var i = 0; i < shards; i++)
        {
            _shards[i] = applyAsynchronously
                ? new ActionBlock<BaselineItem>(ApplyAsync, shardOptions)
                : new ActionBlock<BaselineItem>(Apply, shardOptions);
            var shard = i;
            _dedupe.LinkTo(_shards[i], link, item => item.Shard == shard);
        }

        _dedupe.LinkTo(DataflowBlock.NullTarget<BaselineItem>(), item => item.Shard < 0);
    }

    public LatencyRecorder Latency { get; } = new();

    public IReadOnlyDictionary<string, long> Decisions => _sink.Counts;

    public abstract IReadOnlyDictionary<string, string> Setup { get; }

    /// <summary>Per-user state (and, for the Dataflow baseline, the profile), keyed by user id.</summary>
    protected ConcurrentDictionary<string, BaselineUserState> Users { get; } = new(StringComparer.Ordinal);

    protected BaselineTriggers Triggers { get; }

    public async ValueTask IngestAsync(IReadOnlyList<SegmentEvent> batch)
    {
        var start = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ingested, batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var @event = batch[i];
            if (string.IsNullOrEmpty(@event.MessageId) || string.IsNullOrEmpty(@event.UserId))
            {
                throw new InvalidOperationException($"A generated event has no messageId or userId: {@event}");
            }

            if (!await _dedupe.SendAsync(new BaselineItem(@event, start)))
            {
                throw new InvalidOperationException("The dedupe block declined an event.");
            }
        }
    }

    public async ValueTask DrainAsync()
    {
        while (Interlocked.Read(ref _finished) < Interlocked.Read(ref _ingested))
        {
            await Task.Delay(1);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        _dedupe.Complete();
        await Task.WhenAll(Array.ConvertAll(_shards, shard => shard.Completion));
        foreach (var user in Users.Values)
        {
            lock (user)
            {
                foreach (var timer in user.Timers)
                {
                    timer?.Dispose();
                }
            }
        }
    }

    /// <summary>The per-user state of <paramref name="userId"/>, made on its first event.</summary>
    protected BaselineUserState UserState(string userId) => Users.GetOrAdd(userId, static id => new BaselineUserState(id, BaselineTriggers.Count));

    /// <summary>The end of an event's way: its latency is recorded and it counts as finished.</summary>
    protected void Finished(BaselineItem item)
    {
        Latency.RecordSince(item.IngestTimestamp);
        Interlocked.Increment(ref _finished);
    }

    /// <summary>The Dataflow baseline's shard step: profile and triggers in memory.</summary>
    protected virtual void Apply(BaselineItem item)
    {
        var @event = item.Event;
        var user = UserState(@event.UserId!);
        var profile = user.Profile ??= ProfileUpdater.Create(user.UserId, @event.Timestamp);
        var hadEmail = !string.IsNullOrEmpty(profile.Email);
        ProfileUpdater.Apply(profile, @event);
        Triggers.Evaluate(user, @event, hadEmail, profile);
        Finished(item);
    }

    /// <summary>The Redis baseline's shard step, for a pipeline made with <c>applyAsynchronously</c>.</summary>
    protected virtual Task ApplyAsync(BaselineItem item) => throw new NotSupportedException("This pipeline applies synchronously.");

    private BaselineItem Dedupe(BaselineItem item)
    {
        if (_seen.TryAdd(item.Event.MessageId, 0))
        {
            item.Shard = StableHash.Shard(item.Event.UserId!, _shards.Length);
        }
        else
        {
            item.Shard = -1;
            Interlocked.Increment(ref _finished);
        }

        return item;
    }
}
