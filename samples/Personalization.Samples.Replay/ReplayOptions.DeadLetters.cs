namespace Personalization.Samples.Replay;

// --dead-letters PATH.
internal sealed partial class ReplayOptions
{
    /// <summary>Where the run's dead letters (rejected events and failed sends) are written at the end, as JSON Lines.</summary>
    public string? DeadLetters { get; private set; }
}
