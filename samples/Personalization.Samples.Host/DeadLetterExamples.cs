using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalization.DeadLetters;
using Personalization.Ingest;
using Personalization.Pipeline;

namespace Personalization.Samples.Host;

/// <summary>The bounds of the dead letters in <c>Program.cs</c>, as docs/data-quality.md shows them (compiled with the sample).</summary>
internal static class DeadLetterExamples
{
    // Every bound spelled out with its default.
    public static void Bounds(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .ConfigureDeadLetters(d =>
            {
                d.MaxBytes = 256L * 1024 * 1024;  // all entries on disk (64 KiB to 1 TiB)
                d.MaxAge = TimeSpan.FromDays(30); // how long an entry is kept (1 minute to 10 years)
                d.MaxRawBytes = 64 * 1024;        // payload bytes kept per entry; longer payloads are cut
                d.SegmentBytes = null;            // the unit of deletion (null: a sixteenth of MaxBytes)
            }));
}

/// <summary>An operator's look at the dead letters, as docs/data-quality.md shows it (compiled with the sample). The
/// pipeline is in DI as <see cref="PersonalizationPipeline"/>.</summary>
internal sealed class DeadLetterAdmin(PersonalizationPipeline pipeline, TimeProvider time)
{
    // What was rejected in the last hour, and why (oldest first, at most Limit entries; page with AfterId).
    public IReadOnlyList<DeadLetter> LastHour() => pipeline.DeadLetters.List(new DeadLetterQuery
    {
        Kinds = [DeadLetterKind.RejectedEvent],
        From = time.GetUtcNow().AddHours(-1),
        Limit = 100,
    });

    // After fixing the cause (a tracking plan, a validation limit, an upcaster) and restarting: replay the events of one
    // reason. Those that come back Accepted or Duplicate leave the store; the others stay as they were.
    public async Task<string> ReplayAsync(string reason, CancellationToken cancellationToken)
    {
        var results = await pipeline.ReplayDeadLettersAsync(new DeadLetterQuery { Reasons = [reason] }, cancellationToken);
        return $"{results.Count(r => r.Status != IngestStatus.Rejected)} of {results.Count} replayed";
    }

    // Forget payloads that are known junk, once a day old.
    public int PurgeMalformed() =>
        pipeline.DeadLetters.Purge(new DeadLetterQuery { Reasons = [IngestReasons.Malformed], To = time.GetUtcNow().AddDays(-1) });

    // Everything, for a look elsewhere: JSON Lines, the store's own format.
    public long Export(string path)
    {
        using var file = File.Create(path);
        return pipeline.DeadLetters.ExportTo(file);
    }

    // Count, Bytes, DroppedBySize, DroppedByAge, WriteFailures.
    public DeadLetterStatistics Statistics => pipeline.DeadLetters.Statistics;
}
