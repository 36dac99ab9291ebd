namespace Personalization.Pipeline;

/// <summary>
/// A pipeline stage stopped with an unexpected error (a defect or a broken store, never bad input: bad events are
/// rejected one by one). The pipeline takes no more events; the host is asked to stop.
/// </summary>
public sealed class PipelineFaultedException : Exception
{
    /// <summary>Creates the exception for <paramref name="stage"/>.</summary>
    public PipelineFaultedException(string stage, Exception innerException)
        : base($"The personalization pipeline's {stage} stage failed and the pipeline takes no more events: {innerException?.Message}", innerException)
    {
        Stage = stage;
    }

    /// <summary>Creates the exception.</summary>
    public PipelineFaultedException()
        : this("unknown", new InvalidOperationException("The pipeline faulted."))
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PipelineFaultedException(string message)
        : base(message)
    {
        Stage = "unknown";
    }

    /// <summary>The stage that failed: <c>dedupe</c> or <c>shard-N</c>.</summary>
    public string Stage { get; } = "unknown";
}
