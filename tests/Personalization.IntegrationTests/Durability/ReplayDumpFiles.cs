namespace Personalization.IntegrationTests.Durability;

/// <summary>The files a Replay run dumps its store into (--dump-profiles, --dump-timers and --dead-letters).</summary>
/// <param name="Profiles">Every profile, one JSON object per line, sorted by user id.</param>
/// <param name="Timers">Every pending trigger instance, one JSON object per line, sorted by trigger, user and instance key.</param>
/// <param name="DeadLetters">Every dead letter of the store (of every run on it), one JSON object per line.</param>
internal sealed record ReplayDumpFiles(string Profiles, string Timers, string DeadLetters)
{
    /// <summary>Dump files named after <paramref name="run"/> in <paramref name="directory"/>.</summary>
    public static ReplayDumpFiles In(TempDirectory directory, string run) =>
        new(directory.Combine(run + "-profiles.jsonl"), directory.Combine(run + "-timers.jsonl"), directory.Combine(run + "-deadletters.jsonl"));

    /// <summary>The command-line options that write them.</summary>
    public IEnumerable<string> Arguments() => ["--dump-profiles", Profiles, "--dump-timers", Timers, "--dead-letters", DeadLetters];

    /// <summary>The send keys of the sends that failed for good (after their retries), from the dead letters.</summary>
    public IReadOnlySet<string> FailedSendKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(DeadLetters))
        {
            using var entry = System.Text.Json.JsonDocument.Parse(line);
            if (entry.RootElement.GetProperty("kind").GetString() == "failed_send")
            {
                keys.Add(entry.RootElement.GetProperty("send_key").GetString()!);
            }
        }

        return keys;
    }
}
