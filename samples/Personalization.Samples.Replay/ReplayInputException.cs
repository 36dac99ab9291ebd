namespace Personalization.Samples.Replay;

/// <summary>The replay cannot start: the input cannot be read, or the store cannot be used. Exit code 2.</summary>
internal sealed class ReplayInputException : Exception
{
    public ReplayInputException()
    {
    }

    public ReplayInputException(string message)
        : base(message)
    {
    }

    public ReplayInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
