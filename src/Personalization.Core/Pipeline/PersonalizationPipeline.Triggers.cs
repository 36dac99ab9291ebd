using System.Buffers;
using System.Runtime.CompilerServices;
using Personalization.Triggers;
using Personalization.Triggers.Engine;

namespace Personalization.Pipeline;

public sealed partial class PersonalizationPipeline
{
    /// <summary>
    /// The trigger engine's latest decisions about <paramref name="userId"/> (entered, cancelled,
    /// suppressed, deferred, fired, each with its reason), oldest first; at most the last 32.
    /// </summary>
    public ValueTask<IReadOnlyList<TriggerDecision>> GetTriggerDecisionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        var session = RentReader();
        try
        {
            var value = new ArrayBufferWriter<byte>(512);
            if (!session.TryRead(TriggerKeys.ForUser(userId), value))
            {
                return ValueTask.FromResult<IReadOnlyList<TriggerDecision>>([]);
            }

            var user = TriggerStore.ReadUser(value.WrittenMemory);
            var decisions = new List<TriggerDecision>(user.Trace.Count);
            foreach (var entry in user.Trace.Decode())
            {
                decisions.Add(new TriggerDecision(new DateTimeOffset(entry.AtTicks, TimeSpan.Zero), entry.Trigger, entry.InstanceKey, entry.Outcome, entry.Reason));
            }

            return ValueTask.FromResult<IReadOnlyList<TriggerDecision>>(decisions);
        }
        finally
        {
            ReturnReader(session);
        }
    }

    /// <summary>
    /// Every pending trigger instance (waiting for its due time), in no particular order: for operations (what is
    /// about to be sent) and for comparing two stores. Walks the store's log once, so it costs about as much as a
    /// profile scan.
    /// </summary>
    public async IAsyncEnumerable<PendingTrigger> ScanPendingTriggersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var session = RentReader();
        try
        {
            foreach (var record in session.Scan(TriggerKeys.Instance))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var instance = MessagePack.MessagePackSerializer.Deserialize<TriggerInstanceRecord>(record.Value, MessagePack.MessagePackSerializerOptions.Standard);
                yield return new PendingTrigger(instance.Trigger, instance.UserId, instance.InstanceKey, instance.Occurrence,
                    new DateTimeOffset(instance.EnteredAtTicks, TimeSpan.Zero), new DateTimeOffset(instance.DueAtTicks, TimeSpan.Zero), instance.Restarts);
            }
        }
        finally
        {
            ReturnReader(session);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
