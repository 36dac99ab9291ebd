using System.Text.Json;

namespace Personalization.Benchmarks.Load;

/// <summary>Garbage collections by generation and the time the runtime was paused for them.</summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2, TimeSpan Pause)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static GcCounts operator -(GcCounts after, GcCounts before) =>
        new(after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Pause - before.Pause);

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteNumber("gen0_collections", Gen0);
        writer.WriteNumber("gen1_collections", Gen1);
        writer.WriteNumber("gen2_collections", Gen2);
        writer.WriteNumber("gc_pause_ms", Math.Round(Pause.TotalMilliseconds, 1));
    }
}
