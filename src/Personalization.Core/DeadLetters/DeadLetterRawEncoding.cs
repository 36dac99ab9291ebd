namespace Personalization.DeadLetters;

/// <summary>How <see cref="DeadLetter.Raw"/> holds the payload's bytes.</summary>
public enum DeadLetterRawEncoding
{
    /// <summary>The payload was valid UTF-8 and is kept as text.</summary>
    Text,

    /// <summary>The payload was not valid UTF-8 and is kept as base64.</summary>
    Base64,
}
