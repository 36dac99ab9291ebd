namespace Personalization.Ingest;

/// <summary>What a tracking plan does with an event that breaks its schema.</summary>
public enum SchemaViolationAction
{
    /// <summary>The event is rejected as <see cref="IngestReasons.SchemaViolation"/> (and kept as a dead letter).</summary>
    Reject,

    /// <summary>The event is accepted; its parse result carries <see cref="IngestReasons.SchemaViolation"/> as
    /// <see cref="Events.SegmentParseResult.FlagReason"/> and the violations as
    /// <see cref="Events.SegmentParseResult.FlagMessage"/>, so the pipeline can count and log it.</summary>
    Flag,
}
