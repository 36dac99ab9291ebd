using System.Globalization;

namespace Personalization.Storage;

/// <summary>
/// An exclusive lock on a data directory, held as an open lock file, so that a second pipeline (in this or another
/// process) cannot open the same store. The operating system releases it if the process dies.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    public static DataDirectoryLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "personalization.lock");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The data directory '{Path.GetFullPath(directory)}' is in use by process {ReadHolder(directory)}; only one pipeline may open it at a time.", ex);
        }

        // The lock file itself cannot be read by others while it is held, so the holder's id goes beside it.
        File.WriteAllText(Path.Combine(directory, "personalization.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new DataDirectoryLock(file);
    }

    private static string ReadHolder(string directory)
    {
        try
        {
            var holder = File.ReadAllText(Path.Combine(directory, "personalization.pid")).Trim();
            return holder.Length == 0 ? "(unknown)" : holder;
        }
        catch (IOException)
        {
            return "(unknown)";
        }
    }

    public void Dispose() => _file.Dispose();
}
