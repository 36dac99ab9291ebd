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

        ThrowIfInUse(path);

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

    // Unix lets a process delete the files another one has open: --fresh would wipe a running pipeline's store from
    // under it. The pipeline holds its lock file exclusively while it runs (the same lock a second pipeline fails on).
    private static void ThrowIfInUse(string path)
    {
        var lockFile = System.IO.Path.Combine(path, "personalization.lock");
        if (!File.Exists(lockFile))
        {
            return;
        }

        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ReplayInputException($"--fresh: the data directory '{path}' is in use by process {ReadHolder(path)}; refusing to empty it.");
        }
    }

    private static string ReadHolder(string path)
    {
        try
        {
            var holder = File.ReadAllText(System.IO.Path.Combine(path, "personalization.pid")).Trim();
            return holder.Length == 0 ? "(unknown)" : holder;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "(unknown)";
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
