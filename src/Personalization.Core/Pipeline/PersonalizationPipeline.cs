using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Personalization.DeadLetters;
using Personalization.Dedupe;
using Personalization.Delivery;
using Personalization.Delivery.Templates;
using Personalization.Diagnostics;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Triggers;
using Personalization.Triggers.Engine;

namespace Personalization.Pipeline;

/// <summary>
/// The embedded pipeline: ingest -> dedupe -> enrich -> trigger, with all state in a FASTER store in the data
/// directory. In a host, <c>services.AddPersonalization(...)</c> creates, starts and stops it; in a console or a
/// test, create it with <see cref="StartNewAsync"/> and dispose it.
/// </summary>
public sealed partial class PersonalizationPipeline : IEventIngestor, IProfileReader, IAsyncDisposable
{
    private readonly PersonalizationOptions _options;
    private readonly PipelineClock _clock;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PipelineMetrics _metrics;
    private readonly Channel<PipelineItem> _ingest;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly EventValidator _validator;
    private DeadLetterStore? _deadLetters;
    private DataDirectoryLock? _lock;
    private FasterKeyValueStore? _store;
    private DedupeIndex? _dedupe;
    private TriggerEngine? _engine;
    private TemplateSet? _templates;
    private DeliveryStage? _delivery;
    private Task? _deliveryTask;
    private IKeyValueSession? _dedupeSession;
    private IKeyValueSession? _aliasSession;
    private IdentityAliases? _aliases;
    private ShardWorker[] _shards = [];
    private Task[] _stageTasks = [];
    private ITimer? _ticker;
    private Task? _closing;
    private volatile int _state; // 0 created, 1 running, 2 stopping, 3 stopped

    /// <summary>Creates a pipeline; <see cref="StartAsync"/> opens the store and starts the stages.</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid; the message names each bad setting and its value.</exception>
    public PersonalizationPipeline(PersonalizationOptions options, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new PersonalizationOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(PersonalizationOptions), validation.Failures);
        }

        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _clock = new PipelineClock(_timeProvider, options.Clock, options.AllowedLateness);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Personalization.Pipeline");
        _ingest = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _metrics = new PipelineMetrics(meterFactory, QueueDepths);
        _validator = new EventValidator(options.Validation, _timeProvider);
    }

    /// <summary>The options the pipeline runs with.</summary>
    public PersonalizationOptions Options => _options;

    /// <summary>What each configured trigger decided since the pipeline started (empty without triggers).</summary>
    public IReadOnlyDictionary<string, TriggerCounts> TriggerCounts =>
        _engine?.Counts ?? new Dictionary<string, TriggerCounts>();

    /// <summary>The failure of the stage that faulted the pipeline (a <see cref="PipelineFaultedException"/>), or
    /// <see langword="null"/> while no stage has failed.</summary>
    public Exception? Fault => _fault.Task.IsFaulted ? _fault.Task.Exception?.InnerException : null;

    /// <summary>Whether the pipeline is running (started and not stopping).</summary>
    public bool IsRunning => _state == 1;

    /// <summary>The newest clock reading over all shards: in event time, the watermark of the events applied so far.</summary>
    public DateTimeOffset Clock
    {
        get
        {
            var newest = DateTimeOffset.MinValue;
            foreach (var shard in _shards)
            {
                if (shard.Now > newest)
                {
                    newest = shard.Now;
                }
            }

            return newest;
        }
    }

    /// <summary>Creates and starts a pipeline (for consoles and tests; hosts use <c>AddPersonalization</c>).</summary>
    public static async Task<PersonalizationPipeline> StartNewAsync(PersonalizationOptions options, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var pipeline = new PersonalizationPipeline(options, loggerFactory, timeProvider);
        try
        {
            await pipeline.StartAsync(cancellationToken).ConfigureAwait(false);
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens (or recovers) the store in the data directory and starts the stages.</summary>
    /// <exception cref="InvalidOperationException">The data directory is in use by another pipeline, or this pipeline was already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state != 0)
            {
                throw new InvalidOperationException("The pipeline was already started; create a new pipeline to start again.");
            }

            // Templates compile before anything opens: a bad template fails the start with its name, line and column.
            if (_options.Delivery.Dispatcher is not null)
            {
                _templates = TemplateSet.Compile(_options.Delivery.Templates, _options.Delivery.TemplateLimits);
            }

            var opening = Stopwatch.GetTimestamp();
            try
            {
                OpenStorage();
            }
            catch
            {
                // A failed start must not keep the directory locked or the store open: a retry must be able to open it.
                await ReleaseStorageAsync().ConfigureAwait(false);
                throw;
            }

            StartStages();
            try
            {
                await ReplayIngestLogAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The stages are running: stop them before the store closes.
                _ingest.Writer.TryComplete();
                await Task.WhenAll(_stageTasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await ReleaseStorageAsync().ConfigureAwait(false);
                throw;
            }

            _state = 1;
            StartCheckpointLoop();
            Log.PipelineStarted(_logger, Path.GetFullPath(_options.DataDirectory), _options.ShardCount, _options.Clock,
                _store!.Recovered ? "recovered from its checkpoint" : "new", _options.Durability, Stopwatch.GetElapsedTime(opening).TotalMilliseconds);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private void OpenStorage()
    {
        var directory = _options.DataDirectory;
        _lock = DataDirectoryLock.Acquire(directory);
        OpenIngestLog(directory);

        // A crash during the very first checkpoint leaves no checkpoint to recover: with the whole ingest log still
        // there (or no log at all, where the last checkpoint is the promise), the store starts over from it.
        _store = FasterKeyValueStore.Open(Path.Combine(directory, "store"), Path.Combine(directory, "checkpoints"), _options.Store,
            startOverWithoutCheckpoint: _ingestLog is null || _ingestLog.NeverTruncated);
        _dedupeSession = _store.OpenSession();
        _dedupe = new DedupeIndex(_dedupeSession, _options.DedupeWindow);
        _aliasSession = _store.OpenSession();
        _aliases = new IdentityAliases(_aliasSession);
        _deadLetters = DeadLetterStore.Open(Path.Combine(directory, DeadLetterStore.DirectoryName), _options.DeadLetters, _timeProvider,
            durable: _options.Durability != DurabilityMode.None, _metrics.Meter, _logger);
        var sink = _options.SendSink;
        if (_templates is not null)
        {
            _delivery = new DeliveryStage(_options.Delivery, _templates, _timeProvider, _options.Clock == ClockMode.EventTime,
                _metrics.Meter, _logger);
            _delivery.Open(directory, _store, _deadLetters);
            sink = sink is null ? _delivery : new CompositeSendIntentSink(_delivery, sink);
        }

        var evaluator = _options.TriggerEvaluator;
        if (_options.Triggers.Count > 0)
        {
            _engine = new TriggerEngine([.. _options.Triggers], sink, _options.Clock, _options.SendPolicies,
                new TriggerMetrics(_metrics.Meter, _options.Triggers.Count), _logger);
            _engine.Attach(_store, _options.ShardCount);
            evaluator = evaluator is null ? _engine : new CompositeTriggerEvaluator(_engine, evaluator);
        }

        _shards = new ShardWorker[_options.ShardCount];
        var hooks = new ShardHooks(EraseFromShard, EventFailed,
            (shard, fromId) => _engine?.TakeForMerge(shard, fromId),
            (shard, fromId, toId, state, at) => _engine?.GiveMerged(shard, fromId, toId, state, at) ?? 0,
            _fault.Task);
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new ShardWorker(i, _options.ChannelCapacity, _store.OpenSession(), evaluator, _clock, _metrics, _logger, hooks,
                _options.Store.ProfileCacheSize);
        }

        RestoreClocks();
    }

    private void StartStages()
    {
        var tasks = new List<Task>(_shards.Length + 2)
        {
            Task.Run(() => RunStageAsync("dedupe", RunDedupeStageAsync)),
        };
        if (_commit is { } commit)
        {
            tasks.Add(Task.Run(() => RunStageAsync("commit", RunCommitStageAsync, commit.Writer)));
        }

        for (var i = 0; i < _shards.Length; i++)
        {
            var shard = _shards[i];
            var name = "shard-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            tasks.Add(Task.Run(() => RunStageAsync(name, shard.RunAsync, shard.Writer)));
        }

        _stageTasks = [.. tasks];
        if (_delivery is { } delivery)
        {
            _deliveryTask = Task.Run(() => RunStageAsync("deliver", delivery.RunAsync));
        }

        if (_options.Clock == ClockMode.ProcessingTime)
        {
            _ticker = _timeProvider.CreateTimer(static state => ((PersonalizationPipeline)state!).Tick(), this,
                _options.ClockTickInterval, _options.ClockTickInterval);
        }
    }

    // Idle shards still need to see time pass so that due timers fire; a busy shard sees it with its next event.
    private void Tick()
    {
        foreach (var shard in _shards)
        {
            if (shard.QueueDepth == 0)
            {
                shard.Writer.TryWrite(s_tick);
            }
        }
    }

    private static readonly PipelineItem s_tick = PipelineItem.ForTick();

    // On the user's shard, after the shard deleted the profile: the trigger state and the delivery records go too.
    private void EraseFromShard(int shard, string userId, IReadOnlyList<string> otherIds)
    {
        var sendKeys = _engine?.Erase(shard, userId) ?? [];
        _delivery?.ForgetUser(userId, sendKeys);
        _deadLetters?.RemoveUsers([userId, .. otherIds]);
    }

    // An accepted event that could not be applied is kept for inspection (its shard logged and counted it).
    private void EventFailed(SegmentEvent @event, Exception exception) => _deadLetters?.Post(DeadLetterDrafts.Failed(@event, exception));

    private async Task RunStageAsync(string stage, Func<Task> run, ChannelWriter<PipelineItem>? input = null)
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StageFaulted(_logger, ex, stage);
            var fault = new PipelineFaultedException(stage, ex);
            _fault.TrySetException(fault);
            // Nothing may wait forever on a dead stage: its input closes (so the stage before it fails too and the
            // whole pipeline winds down), and every caller waiting for a verdict or a barrier gets the fault.
            input?.TryComplete(fault);
            _commit?.Writer.TryComplete(fault);
            _ingest.Writer.TryComplete(fault);
            throw fault;
        }
    }

    /// <summary>
    /// Completes when every stage has finished after a stop; faults with a <see cref="PipelineFaultedException"/>
    /// as soon as a stage fails. Hosts watch it to stop when the pipeline cannot go on.
    /// </summary>
    public Task Completion => _stageTasks.Length == 0 ? Task.CompletedTask : WaitForStagesAsync();

    // The first stage to fail is the cause; the stages around it fail after it only because their channels closed, and
    // Task.WhenAll would report whichever of them comes first in the array.
    private async Task WaitForStagesAsync()
    {
        var stages = Task.WhenAll(_stageTasks);
        await Task.WhenAny(stages, _fault.Task).ConfigureAwait(false);
        if (_fault.Task.IsFaulted)
        {
            await _fault.Task.ConfigureAwait(false);
        }

        await stages.ConfigureAwait(false);
    }

    // Faults when a stage fails; never completes otherwise.
    private readonly TaskCompletionSource _fault = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Waits for a verdict or a barrier, unless a stage failed: then the fault is thrown.
    private async Task WaitOrFaultAsync(Task task, CancellationToken cancellationToken)
    {
        if (!task.IsCompleted)
        {
            await Task.WhenAny(task, _fault.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!task.IsCompleted)
        {
            await _fault.Task.ConfigureAwait(false);
        }

        await task.ConfigureAwait(false);
    }

    /// <summary>Events waiting in front of the dedupe stage (what <see cref="PipelineFullMode"/> applies to).</summary>
    internal int IngestQueueDepth => _ingest.Reader.Count;

    private IEnumerable<Measurement<int>> QueueDepths()
    {
        yield return new Measurement<int>(_ingest.Reader.Count, new KeyValuePair<string, object?>("stage", "dedupe"));
        for (var i = 0; i < _shards.Length; i++)
        {
            yield return new Measurement<int>(_shards[i].QueueDepth,
                new KeyValuePair<string, object?>("stage", "enrich"), new KeyValuePair<string, object?>("shard", i));
        }
    }
}
