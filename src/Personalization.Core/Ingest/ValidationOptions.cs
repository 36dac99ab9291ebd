namespace Personalization.Ingest;

/// <summary>The checks every event passes at ingest: limits, identities, amounts, timestamps, tracking plans and
/// schema upcasting. Every rejection has a reason code (see <see cref="IngestReasons"/>).</summary>
public sealed class ValidationOptions
{
}
