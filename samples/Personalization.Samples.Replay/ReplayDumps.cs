namespace Personalization.Samples.Replay;

/// <summary>Where the run writes its dumps (opened before it starts); null when not asked for.</summary>
/// <param name="Profiles">The --dump-profiles file.</param>
/// <param name="Timers">The --dump-timers file.</param>
internal sealed record ReplayDumps(Stream? Profiles, Stream? Timers);
