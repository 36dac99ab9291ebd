using Microsoft.Extensions.Time.Testing;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Profiles;
using Personalization.Triggers;

namespace Personalization.Testing;

/// <summary>
/// Runs a real pipeline (real store, real trigger engine) in a temporary directory with a fake clock, for tests of
/// the host's own trigger definitions and policies. Every call returns when its effects are applied, so tests read
/// like a timeline: send events, move the clock, look at what was decided and sent.
/// </summary>
/// <example>
/// <code>
/// await using var driver = await PersonalizationTestDriver.StartAsync(o => o.Triggers.Add(Trigger.CartAbandonment().Build()));
/// await driver.SendAsync(Ecommerce.ProductAdded("m1", "u1", driver.Now, new Product("sku-1", 10m)));
/// await driver.AdvanceAsync(TimeSpan.FromHours(1));
/// Assert.That(driver.Sends.Single().Trigger, Is.EqualTo("cart_abandonment"));
/// </code>
/// </example>
public sealed class PersonalizationTestDriver : IAsyncDisposable
{
    private readonly InMemorySendIntentSink _sink;
    private readonly string _directory;

    private PersonalizationTestDriver(PersonalizationPipeline pipeline, FakeTimeProvider time, InMemorySendIntentSink sink, string directory)
    {
        Pipeline = pipeline;
        Time = time;
        _sink = sink;
        _directory = directory;
    }

    /// <summary>The pipeline under test.</summary>
    public PersonalizationPipeline Pipeline { get; }

    /// <summary>The fake clock the pipeline runs on (processing time).</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The fake clock's current time.</summary>
    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Every send decision so far, in the order made.</summary>
    public IReadOnlyCollection<SendIntent> Sends => _sink.Intents;

    /// <summary>What each trigger decided so far.</summary>
    public IReadOnlyDictionary<string, TriggerCounts> Counts => Pipeline.TriggerCounts;

    /// <summary>
    /// Starts a pipeline in processing time on a <see cref="FakeTimeProvider"/> that starts at <paramref name="start"/>
    /// (default 2026-01-05 09:00 UTC, a Monday morning), with one shard and a 1-second clock tick.
    /// <paramref name="configure"/> adds triggers and policies; the send sink and the data directory are the driver's.
    /// </summary>
    public static async Task<PersonalizationTestDriver> StartAsync(Action<PersonalizationOptions>? configure = null, DateTimeOffset? start = null)
    {
        var time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var sink = new InMemorySendIntentSink();
        var directory = Path.Combine(Path.GetTempPath(), "personalization-test-" + Guid.NewGuid().ToString("N"));
        var options = new PersonalizationOptions
        {
            DataDirectory = directory,
            ShardCount = 1,
            ChannelCapacity = 1024,
            Clock = ClockMode.ProcessingTime,
            ClockTickInterval = TimeSpan.FromSeconds(1),
        };
        options.Store.MemoryBudgetBytes = 16L << 20;
        options.Store.IndexSizeBytes = 1L << 20;
        options.Store.PageSizeBytes = 1L << 20;
        configure?.Invoke(options);
        options.SendSink = sink;
        try
        {
            var pipeline = await PersonalizationPipeline.StartNewAsync(options, timeProvider: time).ConfigureAwait(false);
            return new PersonalizationTestDriver(pipeline, time, sink, directory);
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>Ingests <paramref name="event"/> and waits until it is applied and evaluated.</summary>
    public async Task<IngestResult> SendAsync(SegmentEvent @event)
    {
        var result = await Pipeline.IngestAsync(@event).ConfigureAwait(false);
        await Pipeline.FlushAsync().ConfigureAwait(false);
        return result;
    }

    /// <summary>Moves the fake clock forward by <paramref name="by"/> and waits until every timer due by then resolved.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Time.Advance(by);
        // The pipeline's clock tick ran during Advance; the flush waits until the shards have handled it.
        await Pipeline.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The current profile of <paramref name="userId"/>.</summary>
    public ValueTask<CustomerProfile?> ProfileAsync(string userId) => Pipeline.GetAsync(userId);

    /// <summary>The trigger engine's decisions about <paramref name="userId"/>, oldest first.</summary>
    public ValueTask<IReadOnlyList<TriggerDecision>> DecisionsAsync(string userId) => Pipeline.GetTriggerDecisionsAsync(userId);

    /// <summary>Stops the pipeline and deletes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await Pipeline.DisposeAsync().ConfigureAwait(false);
        DeleteDirectory(_directory);
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary directory must not fail the user's test.
        }
    }
}
