using System.Diagnostics;

namespace Personalization.Diagnostics;

/// <summary>
/// The engine's <see cref="ActivitySource"/>, named <see cref="PersonalizationDiagnostics.Name"/>. Activities cover
/// calls, not single events inside a stage: an ingest call, a flush, a start, a stop with its checkpoint.
/// Without a listener they cost nothing.
/// </summary>
internal static class PipelineActivities
{
    public static readonly ActivitySource Source = new(PersonalizationDiagnostics.Name,
        typeof(PipelineActivities).Assembly.GetName().Version?.ToString());

    public static Activity? StartIngest(int events)
    {
        var activity = Source.StartActivity("personalization.ingest", ActivityKind.Producer);
        activity?.SetTag("personalization.events", events);
        return activity;
    }

    public static void RecordResults(Activity? activity, IReadOnlyList<Ingest.IngestResult> results)
    {
        if (activity is null)
        {
            return;
        }

        int accepted = 0, duplicate = 0, rejected = 0;
        foreach (var result in results)
        {
            switch (result.Status)
            {
                case Ingest.IngestStatus.Accepted: accepted++; break;
                case Ingest.IngestStatus.Duplicate: duplicate++; break;
                default: rejected++; break;
            }
        }

        activity.SetTag("personalization.accepted", accepted);
        activity.SetTag("personalization.duplicate", duplicate);
        activity.SetTag("personalization.rejected", rejected);
    }
}
