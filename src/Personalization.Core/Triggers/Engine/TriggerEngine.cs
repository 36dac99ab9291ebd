using System.Text;
using Microsoft.Extensions.Logging;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Storage;

namespace Personalization.Triggers.Engine;

/// <summary>
/// Runs the trigger definitions on the trigger stage: starts, restarts and cancels instances on events, keeps each
/// pending instance's due time in a durable timer bucket of its user's shard, and decides due instances in due-time
/// order. All of its state is in the pipeline's store, so it is checkpointed with the profiles and survives a restart.
/// </summary>
internal sealed partial class TriggerEngine : ITriggerEvaluator
{
    private readonly TriggerDefinition[] _triggers;
    private readonly Dictionary<string, int> _indexOf;
    private readonly ISendIntentSink? _sink;
    private readonly ClockMode _mode;
    private readonly SendPolicies _policies;
    private readonly TriggerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly KnownStrings _known;
    private ShardTriggers[] _shards = [];

    public TriggerEngine(IReadOnlyList<TriggerDefinition> triggers, ISendIntentSink? sink, ClockMode mode, SendPolicyOptions policies,
        TriggerMetrics metrics, ILogger logger)
    {
        _policies = new SendPolicies(policies);
        _triggers = [.. triggers];
        _indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _triggers.Length; i++)
        {
            _indexOf[_triggers[i].Name] = i;
        }

        _known = new KnownStrings(_triggers.SelectMany(static trigger =>
            trigger.RestartOn.Concat(trigger.CancelOn).Append(trigger.EntryEvent).Append(trigger.Name)).Concat(s_typeNames.OfType<string>()));
        _sink = sink;
        _mode = mode;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>What each trigger decided since the pipeline started.</summary>
    public IReadOnlyDictionary<string, TriggerCounts> Counts => _metrics.Snapshot(_triggers);

    /// <summary>Opens a store session per shard and rebuilds the index of pending timers from the store.</summary>
    public void Attach(IKeyValueStore store, int shardCount)
    {
        var shards = new ShardTriggers[shardCount];
        for (var i = 0; i < shardCount; i++)
        {
            shards[i] = new ShardTriggers(new TriggerStore(store.OpenSession()));
        }

        _shards = shards;
        if (TryLoadTimerIndex(shards, shards[0].Store.Session, out var seconds))
        {
            if (seconds > 0)
            {
                TriggerLog.TimerIndexLoaded(_logger, seconds, shardCount);
            }

            return;
        }

        var pending = RebuildTimerIndex(shards);
        if (pending > 0)
        {
            TriggerLog.TimersRecovered(_logger, pending, shardCount);
        }
    }

    /// <summary>Closes the engine's sessions (before the store closes).</summary>
    public void Detach()
    {
        foreach (var shard in _shards)
        {
            shard.Store.Dispose();
        }

        _shards = [];
    }

    /// <summary>
    /// Erases a user's trigger state on their shard: every pending instance (keyed by the user, or by a key in the
    /// user's decision trace) and the user's record (entry counts, sends, trace). Their stale timer entries are skipped
    /// when due. A later event of the user starts over, with occurrence 1. Returns the send keys the user's instances
    /// can have had, so that delivery can forget them.
    /// </summary>
    public IReadOnlyList<string> Erase(int shardIndex, string userId)
    {
        if (shardIndex >= _shards.Length)
        {
            return [];
        }

        var shard = _shards[shardIndex];
        var userKey = TriggerKeys.ForUser(userId);
        var instanceKeys = new HashSet<string>(StringComparer.Ordinal) { userId };
        var user = shard.Store.Read<TriggerUserRecord>(userKey);
        if (user is not null)
        {
            foreach (var entry in user.Trace.Decode())
            {
                instanceKeys.Add(entry.InstanceKey);
            }
        }

        var sendKeys = new List<string>();
        foreach (var trigger in _triggers)
        {
            var occurrences = user?.Entries.GetValueOrDefault(trigger.Name) ?? 0;
            foreach (var instanceKey in instanceKeys)
            {
                shard.Store.Delete(TriggerKeys.ForInstance(TriggerKeys.InstanceId(trigger.Name, userId, instanceKey)));
                for (long occurrence = 1; occurrence <= occurrences; occurrence++)
                {
                    sendKeys.Add(TriggerKeys.SendKey(trigger.Name, userId, instanceKey, occurrence));
                }
            }
        }

        shard.Store.Delete(userKey);
        return sendKeys;
    }

    public void OnEvent(TriggerEventContext context)
    {
        var name = TriggerEventNames.Of(context.Event);
        if (name.Length == 0)
        {
            return;
        }

        var shard = _shards[context.Shard];
        for (var i = 0; i < _triggers.Length; i++)
        {
            var trigger = _triggers[i];
            var cancels = TriggerEventNames.AnyMatches(trigger.CancelOn, name);
            var restarts = TriggerEventNames.AnyMatches(trigger.RestartOn, name);
            var enters = TriggerEventNames.Matches(trigger.EntryEvent, name);
            if (cancels || restarts || enters)
            {
                OnTriggerEvent(shard, context, i, cancels, restarts, enters);
            }
        }
    }

    public void OnClock(TriggerClockContext context)
    {
        if (context.Shard < _shards.Length)
        {
            ResolveDue(context.Shard, _shards[context.Shard], context.Now, context.IsFinal);
        }
    }

    private void OnTriggerEvent(ShardTriggers shard, TriggerEventContext context, int index, bool cancels, bool restarts, bool enters)
    {
        var trigger = _triggers[index];
        var @event = context.Event;
        var userId = @event.ProfileId!;
        var instanceKey = trigger.InstanceKey?.Invoke(@event) ?? userId;
        var key = shard.InstanceKey(trigger.Name, userId, instanceKey);
        var at = _mode == ClockMode.EventTime ? @event.Timestamp : context.Now;
        // A cancel or a repeated entry only needs to know that the instance exists; only a restart decodes it.
        TriggerInstanceRecord instance;
        if (shard.Store.TryRead(key))
        {
            if (cancels)
            {
                shard.Store.Delete(key);
                Decided(shard, index, userId, null, at, instanceKey, TriggerOutcomes.Cancelled, TriggerReasons.CancelEvent);
            }
            else if (restarts)
            {
                // Decoded into the shard's reused record: its strings are the ones at hand when the bytes match.
                instance = shard.Instance;
                shard.Store.DecodeLastRead(instance, _known, trigger.Name, instanceKey, userId);
                instance.DueAtTicks = (at + trigger.Delay).UtcTicks;
                instance.OriginalDueTicks = 0;
                instance.Restarts++;
                instance.AddEvent(EventName(@event), @event.Timestamp.UtcTicks, @event.MessageId);

                // A later due time keeps the filed timer entry (it re-files the instance when it comes); only an
                // earlier one (a late event in event time) needs an entry of its own.
                var earlier = TriggerKeys.SecondOf(instance.DueAtTicks) < instance.FiledSecond;
                if (earlier)
                {
                    instance.FiledTicks = instance.DueAtTicks;
                }

                shard.Store.WriteInstance(key, instance);
                if (earlier)
                {
                    AddTimer(context.Shard, shard, key[1..], userId, instance.DueAtTicks);
                }

                // Restarts are counted but not traced: they are the most frequent decision by far (every view of a
                // browsing user), and the send's reason trail says how often an instance was restarted.
                _metrics.Count(index, trigger.Name, TriggerOutcomes.Restarted, TriggerReasons.Restarted);
            }

            return;
        }

        if (!enters
            || (trigger.EntryCondition is { } condition && !condition(@event, context.Profile))
            || (trigger.ContextCondition is { } contextCondition && !contextCondition(context)))
        {
            return;
        }

        var user = shard.ReadUser(userId, _known);
        var occurrence = user.Entries.TryGetValue(trigger.Name, out var entries) ? entries + 1 : 1;
        user.Entries[trigger.Name] = occurrence;
        instance = shard.Instance;
        instance.Reset(trigger.Name, instanceKey, userId);
        instance.Occurrence = occurrence;
        instance.EnteredAtTicks = at.UtcTicks;
        instance.DueAtTicks = (at + trigger.Delay).UtcTicks;
        instance.FiledTicks = instance.DueAtTicks;
        instance.AddEvent(EventName(@event), @event.Timestamp.UtcTicks, @event.MessageId);
        shard.Store.WriteInstance(key, instance);
        AddTimer(context.Shard, shard, key[1..], userId, instance.DueAtTicks);
        Decided(shard, index, userId, user, at, instanceKey, TriggerOutcomes.Entered, TriggerReasons.Entered);
    }

    // Counts a decision, appends it to the user's bounded decision trace and writes the user's record (read here
    // unless the caller has it, with any changes the caller made).
    private void Decided(ShardTriggers shard, int index, string userId, TriggerUserRecord? user, DateTimeOffset at,
        string instanceKey, string outcome, string reason)
    {
        var trigger = _triggers[index].Name;
        _metrics.Count(index, trigger, outcome, reason);
        user ??= shard.ReadUser(userId, _known);
        user.Trace.Append(at.UtcTicks, trigger, instanceKey, outcome, reason, MaxTrace);
        shard.Store.WriteUser(shard.UserKey(userId), user);
    }

    // The lower-case name of each event type by its value, so that naming a non-track event allocates nothing.
    private static readonly string?[] s_typeNames = TypeNames();

    // A track event by its name, any other by its type (identify, page, ...).
    private static string EventName(SegmentEvent @event) =>
        @event.Event ?? ((uint)@event.Type < (uint)s_typeNames.Length && s_typeNames[(int)@event.Type] is { } name
            ? name
            : @event.Type.ToString().ToLowerInvariant());

    private static string?[] TypeNames()
    {
        var types = Enum.GetValues<SegmentEventType>();
        var names = new string?[types.Max(static type => (int)type) + 1];
        foreach (var type in types)
        {
            names[(int)type] = type.ToString().ToLowerInvariant();
        }

        return names;
    }

    /// <summary>How many decisions a user's trace keeps.</summary>
    internal const int MaxTrace = 32;

    /// <summary>
    /// The per-shard state: the shard's session, its index of timer buckets (seconds with chunks), the open chunks of
    /// recent seconds, and the buffers and records it reuses for every event (a shard runs on one thread).
    /// </summary>
    private sealed class ShardTriggers(TriggerStore store)
    {
        private readonly Dictionary<long, int> _chunks = [];
        private byte[] _instanceKey = new byte[256];
        private byte[] _userKey = new byte[256];

        public TriggerStore Store { get; } = store;

        /// <summary>The seconds that have timer chunks, in order.</summary>
        public SortedSet<long> Seconds { get; } = [];

        /// <summary>The last chunk of recently used seconds (see <see cref="OpenTimerChunks"/>).</summary>
        public OpenTimerChunks OpenChunks { get; } = new();

        /// <summary>The instance record an event reads and writes (see <see cref="OnTriggerEvent"/>).</summary>
        public TriggerInstanceRecord Instance { get; } = new() { Trigger = string.Empty, InstanceKey = string.Empty, UserId = string.Empty };

        /// <summary>The user record a decision reads and writes (see <see cref="ReadUser"/>).</summary>
        public TriggerUserRecord User { get; } = new();

        /// <summary>What collecting a second of timers found (see <see cref="CollectSecond"/>).</summary>
        public CollectedSecond Collected { get; } = new();

        public int ChunkCount(long second) => _chunks.GetValueOrDefault(second);

        public void SetChunkCount(long second, int chunks)
        {
            if (chunks > 0)
            {
                _chunks[second] = chunks;
                Seconds.Add(second);
            }
            else
            {
                _chunks.Remove(second);
                Seconds.Remove(second);
                OpenChunks.Drop(second);
            }
        }

        /// <summary>The key of an instance, in the shard's key buffer (valid until the next instance key).</summary>
        public ReadOnlySpan<byte> InstanceKey(string trigger, string userId, string instanceKey)
        {
            var max = TriggerKeys.MaxInstanceLength(trigger, userId, instanceKey);
            if (_instanceKey.Length < max)
            {
                _instanceKey = new byte[max];
            }

            return _instanceKey.AsSpan(0, TriggerKeys.WriteInstance(_instanceKey, trigger, userId, instanceKey));
        }

        /// <summary>The key of an instance by its id, in the shard's key buffer (valid until the next instance key).</summary>
        public ReadOnlySpan<byte> InstanceKey(string instanceId)
        {
            var max = 1 + Encoding.UTF8.GetMaxByteCount(instanceId.Length);
            if (_instanceKey.Length < max)
            {
                _instanceKey = new byte[max];
            }

            return _instanceKey.AsSpan(0, StoreKeys.Write(TriggerKeys.Instance, instanceId, _instanceKey));
        }

        /// <summary>The key of an instance by its id (UTF-8), in the shard's key buffer (valid until the next instance key).</summary>
        public ReadOnlySpan<byte> InstanceKey(ReadOnlySpan<byte> instanceId)
        {
            if (_instanceKey.Length < 1 + instanceId.Length)
            {
                _instanceKey = new byte[1 + instanceId.Length];
            }

            _instanceKey[0] = TriggerKeys.Instance;
            instanceId.CopyTo(_instanceKey.AsSpan(1));
            return _instanceKey.AsSpan(0, 1 + instanceId.Length);
        }

        /// <summary>The key of a user's record, in the shard's user key buffer (valid until the next user key).</summary>
        public ReadOnlySpan<byte> UserKey(string userId)
        {
            var max = 1 + Encoding.UTF8.GetMaxByteCount(userId.Length);
            if (_userKey.Length < max)
            {
                _userKey = new byte[max];
            }

            return _userKey.AsSpan(0, StoreKeys.Write(TriggerKeys.User, userId, _userKey));
        }

        /// <summary>
        /// The user's record, read into the shard's reused <see cref="User"/> (a user with no history when there is
        /// none): valid until the next call, so only for a decision that writes it back before the next.
        /// </summary>
        public TriggerUserRecord ReadUser(string userId, KnownStrings known)
        {
            Store.ReadUser(UserKey(userId), User, known);
            return User;
        }
    }
}
