using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Personalization.Diagnostics;
using Personalization.Events;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Triggers;

namespace Personalization.Pipeline;

/// <summary>
/// One shard of the enrich and trigger stages: the only writer of its users' profiles, with its own store session
/// and its own clock. Reads its channel on one task, so a user's events are applied in ingest order.
/// </summary>
internal sealed class ShardWorker : IDisposable
{
    private readonly int _shard;
    private readonly Channel<PipelineItem> _channel;
    private readonly IKeyValueSession _session;
    private readonly ITriggerEvaluator? _evaluator;
    private readonly PipelineClock _clock;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly byte[] _key = new byte[StoreKeys.BufferSize];
    private readonly ArrayBufferWriter<byte> _previous = new(1024);
    private readonly ArrayBufferWriter<byte> _next = new(1024);
    private readonly TriggerEventContext _context;
    private readonly ShardHooks? _hooks;
    private readonly ProfileCache _profiles;
    private DateTimeOffset _now = DateTimeOffset.MinValue;

    public ShardWorker(int shard, int capacity, IKeyValueSession session, ITriggerEvaluator? evaluator, PipelineClock clock,
        PipelineMetrics metrics, ILogger logger, ShardHooks? hooks = null, int profileCacheSize = 0)
    {
        _profiles = new ProfileCache(profileCacheSize);
        _hooks = hooks;
        _shard = shard;
        _channel = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _session = session;
        _evaluator = evaluator;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
        _context = new TriggerEventContext(shard);
    }

    public ChannelWriter<PipelineItem> Writer => _channel.Writer;

    public int QueueDepth => _channel.Reader.Count;

    /// <summary>The shard's clock: the newest event time (event-time mode) or the last wall-clock reading.</summary>
    public DateTimeOffset Now => _now;

    public async Task RunAsync()
    {
        var reader = _channel.Reader;
        // WaitToReadAsync + TryRead: a cancelled ReadAsync on a bounded channel can lose an item (dotnet/runtime#132094).
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                if (item.Barrier is { } barrier)
                {
                    PassBarrier(barrier);

                    // A checkpoint holds the shard here until the store is checkpointed.
                    await barrier.Resumed.ConfigureAwait(false);
                }
                else if (item.EraseUserId is { } userId)
                {
                    Erase(item, userId);
                }
                else if (item.Handoff is { } handoff)
                {
                    // Everything routed here before the merge is applied: the merged id's state goes to the target's shard.
                    handoff.Complete(TakeForMerge(handoff.FromId));
                }
                else if (item.Event is null)
                {
                    Tick();
                }
                else
                {
                    var merged = item.MergeHandoff is { } pending ? await WaitForHandoffAsync(pending.Taken).ConfigureAwait(false) : null;
                    Process(item, merged);
                }
            }
        }
    }

    // The target of a cross-shard merge waits for the merged id's shard. If a stage fails first, the hand-over may never
    // come: this shard stops with the fault instead of waiting forever.
    private async Task<MergedIdentity> WaitForHandoffAsync(Task<MergedIdentity> taken)
    {
        if (!taken.IsCompleted && _hooks is { } hooks)
        {
            await Task.WhenAny(taken, hooks.Faulted).ConfigureAwait(false);
            if (!taken.IsCompleted)
            {
                await hooks.Faulted.ConfigureAwait(false);
            }
        }

        return await taken.ConfigureAwait(false);
    }

    private void Process(PipelineItem item, MergedIdentity? merged)
    {
        var @event = item.Event!;
        try
        {
            AdvanceClock(_clock.OnEvent(@event.Timestamp, item.IngestTime));
            var start = Stopwatch.GetTimestamp();
            if (item.MergeFrom is { } mergeFrom)
            {
                // On one shard, the merged id's state is taken here; across shards its shard took it at the hand-over.
                Merge(mergeFrom, @event.ProfileId!, merged ?? TakeForMerge(mergeFrom), @event.Timestamp);
            }

            var profile = Apply(@event);
            _metrics.EnrichDone(start);

            start = Stopwatch.GetTimestamp();
            Evaluate(@event, profile);
            _metrics.TriggerDone(start, item.IngestTimestamp);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bad event never stops the pipeline: it is logged and the shard goes on.
            Log.EventFailed(_logger, ex, @event.MessageId, @event.ProfileId, _shard);

            // The cached profile may hold part of an update the store never got.
            _profiles.Remove(@event.ProfileId!);
            _metrics.Rejected(Ingest.IngestReasons.ProcessingError);
            _hooks?.EventFailed(@event, ex);
        }
    }

    private CustomerProfile Apply(SegmentEvent @event)
    {
        var profileId = @event.ProfileId!;
        var keyLength = StoreKeys.Write(StoreKeys.Profile, profileId, _key);
        var key = _key.AsSpan(0, keyLength);
        _previous.ResetWrittenCount();

        // The stored bytes are read even when the profile is cached: they are the state before the event for
        // triggers that compare (TriggerEventContext.ProfileBefore), and copying them costs far less than
        // deserializing them.
        CustomerProfile profile;
        if (!_session.TryRead(key, _previous))
        {
            _profiles.Remove(profileId);
            profile = ProfileUpdater.Create(profileId, @event.Timestamp);
        }
        else if (!_profiles.TryGet(profileId, out profile))
        {
            profile = ProfileSerializer.Deserialize(_previous.WrittenMemory);
        }

        ProfileUpdater.Apply(profile, @event);

        _next.ResetWrittenCount();
        ProfileSerializer.Serialize(_next, profile);
        _session.Upsert(key, _next.WrittenSpan);
        _profiles.Set(profileId, profile);
        return profile;
    }

    // The merged id's profile and trigger state, taken out of the store (on the shard that owned the id). A failure here
    // must not leave the target's shard waiting: the merge then goes on without what could not be taken.
    private MergedIdentity TakeForMerge(string fromId)
    {
        try
        {
            _previous.ResetWrittenCount();
            _profiles.Remove(fromId);
            var profile = ProfileRecords.Read(_session, fromId, _previous);
            if (profile is not null)
            {
                _session.Delete(_key.AsSpan(0, StoreKeys.Write(StoreKeys.Profile, fromId, _key)));
            }

            var triggers = _hooks?.TakeTriggers(_shard, fromId);
            return profile is null && triggers is null ? MergedIdentity.Empty : new MergedIdentity(profile, triggers);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.MergeFailed(_logger, ex, fromId, _shard);
            return MergedIdentity.Empty;
        }
    }

    // An identity merge, before the identify or alias event that asked for it is applied: the merged profile's data
    // joins the target's (see ProfileMerger) and its pending trigger instances follow (through the hook).
    private void Merge(string fromId, string toId, MergedIdentity merged, DateTimeOffset at)
    {
        if (merged.Profile is { } source)
        {
            _profiles.Remove(toId);
            var target = ProfileRecords.Read(_session, toId, _next) ?? ProfileUpdater.Create(toId, source.FirstSeen);
            ProfileMerger.Merge(target, source);
            _next.ResetWrittenCount();
            ProfileSerializer.Serialize(_next, target);
            _session.Upsert(_key.AsSpan(0, StoreKeys.Write(StoreKeys.Profile, toId, _key)), _next.WrittenSpan);
        }

        var moved = _hooks?.GiveTriggers(_shard, fromId, toId, merged.Triggers, at) ?? 0;
        var outcome = merged.Profile is not null || merged.Triggers is not null ? "merged" : "linked";
        _metrics.IdentityMerge(outcome);
        Log.IdentityMerged(_logger, fromId, toId, merged.Profile is not null, moved);
    }

    private void Evaluate(SegmentEvent @event, CustomerProfile profile)
    {
        if (_evaluator is null)
        {
            return;
        }

        _context.Reset(@event, profile, _previous.WrittenMemory, _now);
        try
        {
            _evaluator.OnEvent(_context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.EvaluatorFailed(_logger, ex, _shard, @event.MessageId);
        }
    }

    // A privacy erasure: the profile goes here, the trigger and delivery state in the hook (on this shard's thread,
    // so no event of the user is applied at the same time).
    private void Erase(PipelineItem item, string userId)
    {
        try
        {
            // The ids merged into the user stop resolving to them.
            _profiles.Remove(userId);
            _previous.ResetWrittenCount();
            IReadOnlyList<string> otherIds = [];
            if (ProfileRecords.Read(_session, userId, _previous) is { } profile)
            {
                IdentityAliases.Forget(_session, profile.MergedIds, _key);
                otherIds = [.. profile.AnonymousIds.Union(profile.MergedIds, StringComparer.Ordinal)];
            }

            var keyLength = StoreKeys.Write(StoreKeys.Profile, userId, _key);
            _session.Delete(_key.AsSpan(0, keyLength));
            _hooks?.Erase(_shard, userId, otherIds);
            item.Completion?.Set(0, Ingest.IngestResult.Accepted(userId));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.EraseFailed(_logger, ex, userId, _shard);
            item.Completion?.Set(0, Ingest.IngestResult.Rejected(userId, Ingest.IngestReasons.ProcessingError, $"Erasing '{userId}' failed: {ex.Message}"));
        }
    }

    /// <summary>Sets the clock a checkpoint recorded (before the shard runs).</summary>
    public void RestoreClock(DateTimeOffset now) => _now = now;

    private void Tick() => AdvanceClock(_clock.OnTick());

    private void AdvanceClock(DateTimeOffset now)
    {
        if (now <= _now)
        {
            return;
        }

        _now = now;
        NotifyClock(isFinal: false);
    }

    private void PassBarrier(PipelineBarrier barrier)
    {
        if (barrier.IsFinal)
        {
            NotifyClock(isFinal: true);
        }

        if (barrier.IsCheckpoint)
        {
            barrier.ShardClocks[_shard] = _now;
        }

        barrier.ShardPassed();
    }

    private void NotifyClock(bool isFinal)
    {
        if (_evaluator is null)
        {
            return;
        }

        try
        {
            _evaluator.OnClock(new TriggerClockContext(_shard, _now, isFinal));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ClockEvaluatorFailed(_logger, ex, _shard, _now);
        }
    }

    public void Dispose() => _session.Dispose();
}
