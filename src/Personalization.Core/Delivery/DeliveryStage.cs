using System.Buffers;
using MessagePack;
using Microsoft.Extensions.Logging;
using Personalization.DeadLetters;
using Personalization.Delivery.Outbox;
using Personalization.Delivery.Templates;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Triggers;

namespace Personalization.Delivery;

/// <summary>
/// The fifth stage: takes the trigger stage's send decisions through a durable outbox, renders each with the live
/// profile, checks and records it in the send ledger, and dispatches it with retries, at most
/// <see cref="DeliveryOptions.MaxConcurrency"/> at once.
/// </summary>
/// <remarks>
/// A decision is appended to the outbox log and committed before delivery reads it; the send key is looked up in the
/// ledger (the store, plus the endings in the outbox after a crash) so a key that has ended is never dispatched
/// again, whether it comes back from a retry, a replay or a restart. The one window left is a crash after the
/// platform accepted an email and before its ending was committed: that send is dispatched again after recovery,
/// with the same <c>Message-ID</c> and idempotency key, so the platform can drop it.
/// </remarks>
internal sealed partial class DeliveryStage : ISendIntentSink, IAsyncDisposable
{
    private readonly DeliveryOptions _options;
    private readonly TemplateSet _templates;
    private readonly DispatchRetrier _retrier;
    private readonly DeliveryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly bool _eventTime;
    private readonly string _messageIdDomain;
    private readonly SemaphoreSlim _slots;
    private readonly object _gate = new(); // guards _session, _buffer and _inFlight: the session is single-threaded
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly CancellationTokenSource _stopReading = new();
    private readonly CancellationTokenSource _abort = new();
    private TaskCompletionSource _progress = NewProgress();
    private OutboxLog? _outbox;
    private IKeyValueSession? _session;
    private readonly System.Diagnostics.Metrics.Meter _meter;
    private DeadLetterStore? _deadLetters;
    private bool _ownsDeadLetters; // opened by Open itself, when the pipeline did not hand one over
    private long _expected;
    private long _handled;
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sending;
    private int _readerState; // 0 not started, 1 started, 2 disposed before it started
    private int _disposed;

    public DeliveryStage(DeliveryOptions options, TemplateSet templates, TimeProvider timeProvider, bool eventTime,
        System.Diagnostics.Metrics.Meter meter, ILogger logger)
    {
        _options = options;
        _templates = templates;
        _timeProvider = timeProvider;
        _eventTime = eventTime;
        _logger = logger;
        _meter = meter;
        var dispatcher = options.Dispatcher ?? throw new InvalidOperationException("Delivery needs a dispatcher.");
        _metrics = new DeliveryMetrics(meter, dispatcher.Name);
        _retrier = new DispatchRetrier(dispatcher, options.Retry, timeProvider, OnRetry);
        _messageIdDomain = options.MessageIdDomain ?? SenderDomain(options.From!);
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
    }

    /// <summary>What delivery did so far.</summary>
    public DeliveryCounts Counts => _metrics.Counts;

    /// <summary>The dead letters failed sends go to.</summary>
    public DeadLetterStore? DeadLetters => _deadLetters;

    /// <summary>
    /// Opens the outbox in <paramref name="dataDirectory"/> and rebuilds the ledger from what it holds. Failed sends go
    /// to <paramref name="deadLetters"/>, the pipeline's store, which the pipeline disposes and erases users from; without
    /// one, the stage opens its own in <c>&lt;data&gt;/deadletters</c> with the default bounds and owns it.
    /// </summary>
    public void Open(string dataDirectory, IKeyValueStore store, DeadLetterStore? deadLetters = null)
    {
        _outbox = OutboxLog.Open(Path.Combine(dataDirectory, "outbox"));
        _session = store.OpenSession();
        _ownsDeadLetters = deadLetters is null;
        _deadLetters = deadLetters ?? DeadLetterStore.Open(Path.Combine(dataDirectory, DeadLetterStore.DirectoryName), new DeadLetterOptions(),
            _timeProvider, durable: true, _meter, _logger);
        // After a crash the outbox holds what happened since the last checkpoint: endings go into the ledger first, so
        // the reader, which starts from the beginning, skips every decision that already ended. An ending before its
        // user's erasure (which may come later in the outbox) must not put the user back, so endings wait for the end.
        var decisions = 0;
        var endings = new List<(OutboxRecord Record, long Next)>();
        foreach (var (record, next) in _outbox.ReadCommittedWithAddresses(_outbox.BeginAddress))
        {
            if (record.IsDecision)
            {
                decisions++;
            }
            else if (record.IsErasure)
            {
                _erasedBefore[record.UserId] = next;
            }
            else
            {
                endings.Add((record, next));
            }
        }

        var ended = 0;
        foreach (var (record, next) in endings)
        {
            if (!IsErased(record.UserId, next))
            {
                WriteLedger(record);
                ended++;
            }
        }

        _expected = decisions;
        if (decisions > 0)
        {
            DeliveryLog.Recovered(_logger, Math.Max(0, decisions - ended), ended);
        }
    }

    /// <inheritdoc />
    public void Submit(SendIntent intent)
    {
        var outbox = _outbox ?? throw new InvalidOperationException("Delivery is not open.");
        outbox.Append(OutboxRecord.ForDecision(intent, _timeProvider.GetUtcNow().UtcTicks));
        Interlocked.Increment(ref _expected);
    }

    /// <summary>The ledger's entry for <paramref name="sendKey"/>, or <see langword="null"/> when it has not ended.</summary>
    public SendRecord? GetSend(string sendKey)
    {
        lock (_gate)
        {
            return ReadLedger(sendKey)?.ToEnding();
        }
    }

    /// <summary>The stage's reader: follows the outbox and starts a send for every decision not yet ended.</summary>
    public async Task RunAsync()
    {
        if (Interlocked.CompareExchange(ref _readerState, 1, 0) != 0)
        {
            return;
        }

        FASTER.core.FasterLogScanIterator? iterator = null;
        try
        {
            iterator = _outbox!.Follow(_outbox.BeginAddress);
            while (await iterator.WaitAsync(_stopReading.Token).ConfigureAwait(false))
            {
                while (iterator.GetNext(out byte[] entry, out var length, out var address, out var next))
                {
                    var record = OutboxLog.Deserialize(entry, length);
                    if (!record.IsDecision)
                    {
                        Volatile.Write(ref _readUntil, next);
                        continue;
                    }

                    await _slots.WaitAsync(_stopReading.Token).ConfigureAwait(false);
                    var begun = Begin(record, address);
                    Volatile.Write(ref _readUntil, next);
                    if (begun is { } work)
                    {
                        // Rendering and dispatching run on the pool, so the reader goes on to the next decision.
                        Interlocked.Increment(ref _sending);
                        _ = Task.Run(() => SendAsync(work));
                    }
                    else
                    {
                        _slots.Release();
                        Handled();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopReading.IsCancellationRequested)
        {
            // Drained (every decision has ended) or disposed.
        }
        finally
        {
            // The iterator goes before the outbox may close (DisposeAsync waits for this).
            iterator?.Dispose();
            _reading.TrySetResult();
        }
    }

    /// <summary>Waits until every decision submitted so far has ended (sent, failed or skipped) and is committed.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await _outbox!.CommitAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Interlocked.Read(ref _handled) >= Interlocked.Read(ref _expected))
            {
                break;
            }

            await progress.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _stopReading.CancelAsync().ConfigureAwait(false);
        await _outbox.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a store checkpoint that holds the ledger: empties the outbox.</summary>
    public ValueTask TruncateAsync(CancellationToken cancellationToken) => _outbox!.TruncateAllAsync(cancellationToken);

    private void Handled()
    {
        Interlocked.Increment(ref _handled);
        Progressed();
    }

    private void Progressed()
    {
        var previous = Interlocked.Exchange(ref _progress, NewProgress());
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewProgress() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnRetry(EmailMessage message, Exception error, int attempt)
    {
        _metrics.Retried(message.Trigger);
        DeliveryLog.SendRetried(_logger, message.SendKey, attempt, error.Message);
    }

    /// <summary>Stops at once: sends in flight are abandoned without an ending (they stay in the outbox and are sent
    /// after the next start), then the outbox and the session close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        await _stopReading.CancelAsync().ConfigureAwait(false);

        // The reader's iterator must be gone before the outbox closes under it.
        if (Interlocked.CompareExchange(ref _readerState, 2, 0) == 1)
        {
            await _reading.Task.ConfigureAwait(false);
        }

        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Volatile.Read(ref _sending) == 0)
            {
                break;
            }

            await progress.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            _session?.Dispose();
            _session = null;
        }

        if (_outbox is not null)
        {
            await _outbox.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsDeadLetters)
        {
            _deadLetters?.Dispose();
        }

        _abort.Dispose();
        _stopReading.Dispose();
        _slots.Dispose();
    }

    private static string SenderDomain(string from)
    {
        var address = MimeKit.MailboxAddress.Parse(from);
        return address.Domain;
    }

    private void WriteLedger(OutboxRecord ending)
    {
        var key = StoreKeys.Create(StoreKeys.SendLedger, ending.SendKey);
        _session!.Upsert(key, MessagePackSerializer.Serialize(ending, OutboxRecord.SerializerOptions));
    }

    private OutboxRecord? ReadLedger(string sendKey)
    {
        if (_session is null)
        {
            return null;
        }

        var key = StoreKeys.Create(StoreKeys.SendLedger, sendKey);
        _buffer.ResetWrittenCount();
        return _session.TryRead(key, _buffer) ? MessagePackSerializer.Deserialize<OutboxRecord>(_buffer.WrittenMemory, OutboxRecord.SerializerOptions) : null;
    }
}
