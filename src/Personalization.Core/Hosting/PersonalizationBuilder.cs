using Microsoft.Extensions.DependencyInjection;
using Personalization.Pipeline;
using Personalization.Triggers;

namespace Personalization.Hosting;

/// <summary>Configures the personalization engine in a host; every method returns the same builder.</summary>
public sealed partial class PersonalizationBuilder
{
    internal PersonalizationBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's services, for registrations the builder has no method for.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps the engine's state (store, checkpoints) in <paramref name="path"/>.</summary>
    public PersonalizationBuilder UseDataDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Configure(o => o.DataDirectory = path);
    }

    /// <summary>
    /// Sets when acknowledged events are safe from a crash (<see cref="DurabilityMode"/>; the default is
    /// <see cref="DurabilityMode.GroupCommit"/> with a 2 ms commit window) and, optionally, the group commit window.
    /// </summary>
    public PersonalizationBuilder UseDurability(DurabilityMode mode, TimeSpan? groupCommitInterval = null) => Configure(o =>
    {
        o.Durability = mode;
        if (groupCommitInterval is { } interval)
        {
            o.GroupCommitInterval = interval;
        }
    });

    /// <summary>Takes a consistent checkpoint every <paramref name="interval"/> (the default is 1 minute;
    /// <see cref="TimeSpan.Zero"/> checkpoints only on a graceful stop).</summary>
    public PersonalizationBuilder UseCheckpointInterval(TimeSpan interval) => Configure(o => o.CheckpointInterval = interval);

    /// <summary>Changes any pipeline setting. Settings are validated when the host starts.</summary>
    public PersonalizationBuilder Configure(Action<PersonalizationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Changes the checks every event passes at ingest: limits, junk ids, the future-timestamp bound, tracking
    /// plans (<see cref="Ingest.ValidationOptions.AddSchema(string, string, Ingest.SchemaViolationAction)"/>) and event
    /// schema upcasters (<see cref="Ingest.ValidationOptions.AddUpcaster"/>).</summary>
    public PersonalizationBuilder ConfigureValidation(Action<Ingest.ValidationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.Validation));
    }

    /// <summary>Changes the bounds of the dead-letter store (size, age, the raw payload kept per entry).</summary>
    public PersonalizationBuilder ConfigureDeadLetters(Action<DeadLetters.DeadLetterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.DeadLetters));
    }

    /// <summary>Runs the trigger stage on event time (the newest event timestamp) instead of wall-clock time.</summary>
    public PersonalizationBuilder UseEventTime(TimeSpan allowedLateness = default) => Configure(o =>
    {
        o.Clock = ClockMode.EventTime;
        o.AllowedLateness = allowedLateness;
    });

    /// <summary>Runs the trigger built by <paramref name="trigger"/> (for example <c>Trigger.CartAbandonment()</c>).</summary>
    public PersonalizationBuilder AddTrigger(TriggerBuilder trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        return AddTrigger(trigger.Build());
    }

    /// <summary>Runs <paramref name="trigger"/>.</summary>
    public PersonalizationBuilder AddTrigger(TriggerDefinition trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        return Configure(o => o.Triggers.Add(trigger));
    }

    /// <summary>Sets the send policies of every trigger (frequency cap, quiet hours, suppression list).</summary>
    public PersonalizationBuilder ConfigureSendPolicies(Action<SendPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.SendPolicies));
    }

    /// <summary>Hands the triggers' send decisions to <paramref name="sink"/>.</summary>
    public PersonalizationBuilder UseSendSink(ISendIntentSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return Configure(o => o.SendSink = sink);
    }

    /// <summary>Also calls <paramref name="evaluator"/> on the trigger stage, after the built-in trigger engine.</summary>
    public PersonalizationBuilder UseTriggerEvaluator(ITriggerEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        return Configure(o => o.TriggerEvaluator = evaluator);
    }
}
