using System.Collections.Concurrent;
using Personalization.Triggers;

namespace Personalization.Tests.Support;

/// <summary>A trigger evaluator that writes down what the trigger stage showed it. Thread-safe.</summary>
public sealed class RecordingEvaluator : ITriggerEvaluator
{
    private readonly ConcurrentDictionary<string, List<string>> _messageIdsByUser = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SeenEvent> _events = new();
    private readonly ConcurrentQueue<TriggerClockContext> _clocks = new();

    /// <summary>Called on every <see cref="OnClock"/>, on the shard's thread.</summary>
    public Action<TriggerClockContext>? ClockObserved { get; set; }

    /// <summary>Per user, the messageIds in the order <see cref="OnEvent"/> saw them.</summary>
    public IReadOnlyList<string> MessageIdsOf(string userId) =>
        _messageIdsByUser.TryGetValue(userId, out var ids) ? ids : [];

    public IReadOnlyCollection<SeenEvent> Events => _events;

    public IReadOnlyCollection<TriggerClockContext> Clocks => _clocks;

    public void OnEvent(TriggerEventContext context)
    {
        var userId = context.Event.ProfileId!;
        // A user's events all come from one shard, one at a time, so the list of one user is never written concurrently.
        _messageIdsByUser.GetOrAdd(userId, _ => []).Add(context.Event.MessageId);
        var before = context.ProfileBefore;
        _events.Enqueue(new SeenEvent(context.Shard, context.Event.MessageId, userId, context.Now, context.IsNewProfile,
            before?.EventCount, before?.CartQuantity, context.Profile.EventCount, context.Profile.CartQuantity));
    }

    public void OnClock(TriggerClockContext context)
    {
        _clocks.Enqueue(context);
        ClockObserved?.Invoke(context);
    }

    /// <summary>What the evaluator saw for one event.</summary>
    public sealed record SeenEvent(int Shard, string MessageId, string UserId, DateTimeOffset Now, bool IsNewProfile,
        long? EventCountBefore, int? CartQuantityBefore, long EventCountAfter, int CartQuantityAfter);
}
