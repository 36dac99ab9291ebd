namespace Personalization.Samples.Replay;

/// <summary>End-to-end latency percentiles in milliseconds.</summary>
internal readonly record struct LatencySummary(long Count, double P50, double P99, double P999, double Max);
