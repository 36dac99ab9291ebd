namespace Personalization.Samples.Replay;

/// <summary>The pipeline's data directory for one run: a fresh temporary one (deleted at the end) or the --store one.</summary>
internal sealed class ReplayStore : IDisposable
{
    private ReplayStore(string path, bool temporary)
    {
        Path = path;
        Temporary = temporary;
    }

    public string Path { get; }

    public bool Temporary { get; }

    /// <exception cref="ReplayInputException">The --store directory cannot be used or emptied.</exception>
    public static ReplayStore Prepare(ReplayOptions options)
    {
        if (options.Store is null)
        {
            var temporary = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "personalization-replay-" + Guid.NewGuid().ToString("N")[..12]);
            return new ReplayStore(temporary, temporary: true);
        }

        var path = System.IO.Path.GetFullPath(options.Store);
        try
        {
            if (options.Fresh && Directory.Exists(path))
            {
                Empty(path);
            }

            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayInputException($"cannot use the store directory '{path}': {ex.Message}", ex);
        }

        return new ReplayStore(path, temporary: false);
    }

    // Only a directory the pipeline made (or an empty one) is emptied: --fresh must never wipe an unrelated folder.
    private static void Empty(string path)
    {
        var entries = Directory.GetFileSystemEntries(path);
        if (entries.Length == 0)
        {
            return;
        }

        var isDataDirectory = File.Exists(System.IO.Path.Combine(path, "personalization.lock"))
            || Directory.Exists(System.IO.Path.Combine(path, "store"))
            || Directory.Exists(System.IO.Path.Combine(path, "checkpoints"));
        if (!isDataDirectory)
        {
            throw new ReplayInputException(
                $"--fresh: '{path}' is not empty and does not look like a Personalization data directory; refusing to empty it.");
        }

        foreach (var entry in entries)
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    public void Dispose()
    {
        if (!Temporary)
        {
            return;
        }

        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless; the run's results stand.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
