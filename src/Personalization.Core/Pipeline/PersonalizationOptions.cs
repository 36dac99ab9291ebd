using Personalization.Storage;
using Personalization.Triggers;

namespace Personalization.Pipeline;

/// <summary>The settings of one pipeline. Validated when the pipeline starts: every bad setting is named with its value.</summary>
public sealed class PersonalizationOptions
{
    /// <summary>The data directory: the store, its checkpoints, the ingest log, the outbox and dead letters live here.
    /// Only one pipeline (in any process) may open a directory at a time.</summary>
    /// <value>The default is <c>data/personalization</c>, relative to the current directory.</value>
    public string DataDirectory { get; set; } = Path.Combine("data", "personalization");

    /// <summary>How many enrich/trigger shards run in parallel. Events are routed by a stable hash of the user id.</summary>
    /// <value>The default is <see cref="Environment.ProcessorCount"/> (at most 256). Between 1 and 256.</value>
    public int ShardCount { get; set; } = Math.Min(Environment.ProcessorCount, 256);

    /// <summary>How many events each stage's queue holds before <see cref="FullMode"/> applies.</summary>
    /// <value>The default is 4,096. Between 16 and 1,048,576.</value>
    public int ChannelCapacity { get; set; } = 4096;

    /// <summary>What an ingest call does when the pipeline is full.</summary>
    /// <value>The default is <see cref="PipelineFullMode.Wait"/> (back-pressure).</value>
    public PipelineFullMode FullMode { get; set; } = PipelineFullMode.Wait;

    /// <summary>How long a <c>messageId</c> is remembered: a second event with the same id within this window is a duplicate.</summary>
    /// <value>The default is 7 days. Between 1 second and 365 days.</value>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Where the trigger stage's clock comes from.</summary>
    /// <value>The default is <see cref="ClockMode.ProcessingTime"/>.</value>
    public ClockMode Clock { get; set; } = ClockMode.ProcessingTime;

    /// <summary>In <see cref="ClockMode.EventTime"/>, how far behind the newest event timestamp the clock stays, so that
    /// events that arrive a little late still see the timers they should.</summary>
    /// <value>The default is zero. Between zero and 1 day.</value>
    public TimeSpan AllowedLateness { get; set; } = TimeSpan.Zero;

    /// <summary>In <see cref="ClockMode.ProcessingTime"/>, how often idle shards look at the clock to resolve due timers.</summary>
    /// <value>The default is 1 second. Between 10 milliseconds and 1 minute.</value>
    public TimeSpan ClockTickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When acknowledged events are safe from a crash: see <see cref="DurabilityMode"/>.</summary>
    /// <value>The default is <see cref="DurabilityMode.GroupCommit"/>.</value>
    public DurabilityMode Durability { get; set; } = DurabilityMode.GroupCommit;

    /// <summary>In <see cref="DurabilityMode.GroupCommit"/>, the shortest time between two commits (fsyncs) of the ingest
    /// log: an idle log commits at once, a busy one at most once per interval, and every event appended in between
    /// shares the next commit. Longer means fewer fsyncs under load and a longer wait for each acknowledgement.</summary>
    /// <value>The default is 2 milliseconds. Between zero and 1 second.</value>
    public TimeSpan GroupCommitInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How often the pipeline takes a consistent checkpoint of all its state (profiles, dedupe index, trigger
    /// instances and timers, send ledger, clocks) with the ingest-log position it reflects. Recovery replays the log
    /// from there, so this bounds the recovery time and the size of the ingest log. A graceful stop always checkpoints.</summary>
    /// <value>The default is 1 minute. <see cref="TimeSpan.Zero"/> turns periodic checkpoints off; otherwise between
    /// 1 second and 1 day.</value>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The checks every event passes at ingest (limits, identities, amounts, timestamps, tracking plans,
    /// schema upcasting).</summary>
    public Ingest.ValidationOptions Validation { get; set; } = new();

    /// <summary>The bounds of the dead-letter store (rejected events and failed sends).</summary>
    public DeadLetters.DeadLetterOptions DeadLetters { get; set; } = new();

    /// <summary>Sizes of the embedded store.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>The triggers the trigger stage runs (see <see cref="Trigger"/> for the built-ins). Their names must be unique.</summary>
    /// <value>The default is none.</value>
    public IList<TriggerDefinition> Triggers { get; } = new List<TriggerDefinition>();

    /// <summary>Where the triggers' send decisions go (the delivery stage, or an <see cref="InMemorySendIntentSink"/>).</summary>
    /// <value>The default is <see langword="null"/>: decisions are counted and traced but sent nowhere.</value>
    public ISendIntentSink? SendSink { get; set; }

    /// <summary>The policies between "due" and "send" for every trigger: suppression, consent, frequency cap, quiet hours.</summary>
    public SendPolicyOptions SendPolicies { get; set; } = new();

    /// <summary>A custom evaluator the trigger stage calls after the built-in trigger engine.</summary>
    /// <value>The default is <see langword="null"/>: the trigger stage keeps the clock and evaluates nothing.</value>
    public ITriggerEvaluator? TriggerEvaluator { get; set; }

    /// <summary>Rendering and delivery of the triggers' emails: templates, sender, unsubscribe link, dispatcher, retries.</summary>
    /// <value>The default has no dispatcher: delivery is off and decisions go only to <see cref="SendSink"/>.</value>
    public Delivery.DeliveryOptions Delivery { get; set; } = new();

    /// <summary>Creates the ingest log's device from its file path (tests: a device that fails on demand).</summary>
    internal Func<string, FASTER.core.IDevice>? IngestLogDeviceFactory { get; set; }
}
