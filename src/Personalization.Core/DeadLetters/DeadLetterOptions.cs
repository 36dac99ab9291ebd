namespace Personalization.DeadLetters;

/// <summary>The bounds of the dead-letter store: rejected events and failed sends, kept for inspection and replay.</summary>
public sealed class DeadLetterOptions
{
}
