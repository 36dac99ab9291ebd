using System.Text;
using Personalization.DeadLetters;

namespace Personalization.Tests.DeadLetters;

/// <summary>Reads the dead letters a data directory holds, with a store of its own (the pipeline's must be closed).</summary>
internal static class DeadLetterFiles
{
    public static IReadOnlyList<DeadLetter> Read(string dataDirectory)
    {
        using var store = Open(dataDirectory);
        return store.List(new DeadLetterQuery { Limit = int.MaxValue });
    }

    /// <summary>The stored lines, as <c>ExportTo</c> writes them.</summary>
    public static string[] ReadLines(string dataDirectory)
    {
        using var store = Open(dataDirectory);
        using var export = new MemoryStream();
        store.ExportTo(export);
        return Encoding.UTF8.GetString(export.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static DeadLetterStore Open(string dataDirectory) =>
        DeadLetterStore.Open(Path.Combine(dataDirectory, DeadLetterStore.DirectoryName), new DeadLetterOptions(), TimeProvider.System);
}
