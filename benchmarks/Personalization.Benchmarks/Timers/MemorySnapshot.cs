using System.Diagnostics;
using System.Text.Json;

namespace Personalization.Benchmarks.Timers;

/// <summary>The process's memory and the store's disk use at one moment.</summary>
/// <param name="WorkingSetBytes">The process's working set (<see cref="Process.WorkingSet64"/>).</param>
/// <param name="GcTotalMemoryBytes">Bytes in use on the GC heap (<see cref="GC.GetTotalMemory(bool)"/>, no forced collection).</param>
/// <param name="GcHeapSizeBytes">The GC heap's size at the last collection, fragmentation included.</param>
/// <param name="GcCommittedBytes">Memory the GC had committed at the last collection.</param>
/// <param name="Gen2Collections">Gen 2 collections so far.</param>
/// <param name="DiskBytes">Bytes of every file in the pipeline's data directory.</param>
internal readonly record struct MemorySnapshot(long WorkingSetBytes, long GcTotalMemoryBytes, long GcHeapSizeBytes, long GcCommittedBytes,
    int Gen2Collections, long DiskBytes)
{
    public static MemorySnapshot Take(string dataDirectory)
    {
        using var process = Process.GetCurrentProcess();
        var info = GC.GetGCMemoryInfo();
        return new MemorySnapshot(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes,
            info.TotalCommittedBytes, GC.CollectionCount(2), DiskBytesOf(dataDirectory));
    }

    public static long DiskBytesOf(string directory)
    {
        long bytes = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            bytes += file.Length;
        }

        return bytes;
    }

    public void Write(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("working_set_bytes", WorkingSetBytes);
        writer.WriteNumber("gc_total_memory_bytes", GcTotalMemoryBytes);
        writer.WriteNumber("gc_heap_size_bytes", GcHeapSizeBytes);
        writer.WriteNumber("gc_committed_bytes", GcCommittedBytes);
        writer.WriteNumber("gen2_collections", Gen2Collections);
        writer.WriteNumber("disk_bytes", DiskBytes);
        writer.WriteEndObject();
    }
}
