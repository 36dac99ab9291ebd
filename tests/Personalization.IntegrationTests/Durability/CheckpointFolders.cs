using System.Diagnostics;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Durability;

/// <summary>
/// Watches a data directory for the folders FASTER creates when a checkpoint starts
/// (<c>checkpoints/index-checkpoints/&lt;token&gt;</c> and <c>checkpoints/cpr-checkpoints/&lt;token&gt;</c>), so a
/// test can kill the process while that checkpoint is still being written.
/// </summary>
internal sealed class CheckpointFolders(string dataDirectory)
{
    // A checkpoint takes a hundred milliseconds or more (the stages are held, the store flushed): a few
    // milliseconds' poll lands inside it.
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(2);

    private readonly string[] _roots =
    [
        Path.Combine(dataDirectory, "checkpoints", "index-checkpoints"),
        Path.Combine(dataDirectory, "checkpoints", "cpr-checkpoints"),
    ];

    /// <summary>The checkpoint tokens (folder names) there now.</summary>
    public HashSet<string> Snapshot()
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in _roots)
        {
            try
            {
                tokens.UnionWith(Directory.EnumerateDirectories(root).Select(Path.GetFileName)!);
            }
            catch (DirectoryNotFoundException)
            {
                // Not created yet (a new store) or being emptied.
            }
        }

        return tokens;
    }

    /// <summary>Waits for a token that is not in <paramref name="known"/>; null when <paramref name="process"/>
    /// ended first.</summary>
    /// <exception cref="TimeoutException">No new checkpoint within <paramref name="timeout"/>.</exception>
    public async Task<string?> WaitForNewAsync(HashSet<string> known, ReplayProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (Snapshot().FirstOrDefault(token => !known.Contains(token)) is { } token)
            {
                return token;
            }

            if (process.HasExited)
            {
                return null;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"No new checkpoint in '{dataDirectory}' within {timeout}. The replay's stderr:\n{process.Stderr}");
            }

            await Task.Delay(s_poll, cancellationToken);
        }
    }
}
