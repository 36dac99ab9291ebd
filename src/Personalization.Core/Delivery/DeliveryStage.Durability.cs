using Personalization.Storage;

namespace Personalization.Delivery;

// What the pipeline's checkpoints and erasures need from delivery.
internal sealed partial class DeliveryStage
{
    private readonly SortedSet<long> _pendingAddresses = []; // under _gate: outbox addresses of sends in flight
    private readonly Dictionary<string, long> _erasedBefore = new(StringComparer.Ordinal); // under _gate
    private long _readUntil;

    /// <summary>
    /// Where the outbox may be truncated once a checkpoint taken now stands: before the oldest decision that has not
    /// ended (or not been read yet). Every decision before it has its ending in the ledger already.
    /// </summary>
    public long TruncationPoint
    {
        get
        {
            lock (_gate)
            {
                var readUntil = Volatile.Read(ref _readUntil);
                return _pendingAddresses.Count > 0 ? Math.Min(_pendingAddresses.Min, readUntil) : readUntil;
            }
        }
    }

    /// <summary>Makes every decision appended so far durable.</summary>
    public ValueTask CommitOutboxAsync(CancellationToken cancellationToken) => _outbox!.CommitAsync(cancellationToken);

    /// <summary>Drops the outbox before <paramref name="address"/> (a <see cref="TruncationPoint"/> taken before a
    /// checkpoint that stands).</summary>
    public ValueTask TruncateUntilAsync(long address, CancellationToken cancellationToken) =>
        _outbox!.TruncateUntilAsync(address, cancellationToken);

    /// <summary>
    /// Forgets an erased user: their entries in the send ledger (<paramref name="sendKeys"/>, the keys their trigger
    /// instances can have had), their failed sends in dead letters, and every decision about them already in the
    /// outbox, which is skipped with reason <see cref="DeliveryReasons.Erased"/>. The failed sends in dead letters go here
    /// only when the stage owns its store: the pipeline erases the user from its own store (which holds the user's
    /// rejected events too) after this call.
    /// </summary>
    public void ForgetUser(string userId, IReadOnlyList<string> sendKeys)
    {
        lock (_gate)
        {
            // The marker makes the erasure hold across a restart until the outbox is truncated past it.
            _outbox?.Append(Outbox.OutboxRecord.ForErasure(userId));
            _erasedBefore[userId] = _outbox?.TailAddress ?? 0;
            if (_session is not null)
            {
                foreach (var sendKey in sendKeys)
                {
                    _session.Delete(StoreKeys.Create(StoreKeys.SendLedger, sendKey));
                }
            }
        }

        if (_ownsDeadLetters)
        {
            _deadLetters?.RemoveUser(userId);
        }
    }

    // Under _gate: a decision appended before the user's erasure is not sent.
    private bool IsErased(string userId, long address) =>
        _erasedBefore.Count > 0 && _erasedBefore.TryGetValue(userId, out var before) && address < before;
}
