namespace Personalization.IntegrationTests.Durability;

/// <summary>The files a Replay run dumps its store into (--dump-profiles and --dump-timers).</summary>
/// <param name="Profiles">Every profile, one JSON object per line, sorted by user id.</param>
/// <param name="Timers">Every pending trigger instance, one JSON object per line, sorted by trigger, user and instance key.</param>
internal sealed record ReplayDumpFiles(string Profiles, string Timers)
{
    /// <summary>Dump files named after <paramref name="run"/> in <paramref name="directory"/>.</summary>
    public static ReplayDumpFiles In(TempDirectory directory, string run) =>
        new(directory.Combine(run + "-profiles.jsonl"), directory.Combine(run + "-timers.jsonl"));

    /// <summary>The command-line options that write them.</summary>
    public IEnumerable<string> Arguments() => ["--dump-profiles", Profiles, "--dump-timers", Timers];
}
