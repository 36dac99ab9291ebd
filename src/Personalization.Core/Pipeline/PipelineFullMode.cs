namespace Personalization.Pipeline;

/// <summary>What an ingest call does when the pipeline's first stage is full.</summary>
public enum PipelineFullMode
{
    /// <summary>Wait for room: producers slow down to the pipeline's pace (back-pressure). Nothing is lost.</summary>
    Wait,

    /// <summary>Return at once with <see cref="Ingest.IngestReasons.PipelineFull"/> for each event that did not fit.</summary>
    Reject,
}
