using System.Buffers;
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
}
