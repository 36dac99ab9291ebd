using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalization.Pipeline;

namespace Personalization.Samples.Host;

/// <summary>Durability, checkpoints and erasure in <c>Program.cs</c>, exactly as docs/operations.md shows them (compiled with the sample).</summary>
internal static class DurabilityExamples
{
    // The default, spelled out: every acknowledged event is in the ingest log (group commit, 2 ms window), and a
    // consistent checkpoint every minute bounds the log and the recovery time.
    public static void Durable(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("/var/lib/shop/personalization")
            .UseDurability(DurabilityMode.GroupCommit, groupCommitInterval: TimeSpan.FromMilliseconds(2))
            .UseCheckpointInterval(TimeSpan.FromMinutes(1)));

    // A backfill that can simply be run again: no ingest log, a checkpoint only at the end.
    public static void Backfill(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/backfill")
            .UseDurability(DurabilityMode.None)
            .UseCheckpointInterval(TimeSpan.Zero));
}

/// <summary>A privacy request handler: the pipeline is in DI as <see cref="PersonalizationPipeline"/>.</summary>
internal sealed class PrivacyRequests(PersonalizationPipeline pipeline)
{
    // Completes when the erasure is durable and applied: profile, pending triggers, ledger entries and dead letters.
    public Task EraseAsync(string userId, CancellationToken cancellationToken) => pipeline.EraseUserAsync(userId, cancellationToken);
}
