using System.Diagnostics.Metrics;
using Personalization.Diagnostics;

namespace Personalization.DeadLetters;

/// <summary>The dead-letter store's instruments.</summary>
internal sealed class DeadLetterMetrics(Meter meter)
{
    private readonly Counter<long> _written = meter.CreateCounter<long>(PersonalizationDiagnostics.DeadLettersWritten, "{entry}",
        "Dead letters written, by kind and reason.");

    private readonly Counter<long> _dropped = meter.CreateCounter<long>(PersonalizationDiagnostics.DeadLettersDropped, "{entry}",
        "Dead letters dropped, by cause: size, age or write_failure.");

    public void Written(DeadLetter entry) => _written.Add(1,
        new KeyValuePair<string, object?>("kind", DeadLetterJson.KindName(entry.Kind)), new KeyValuePair<string, object?>("reason", entry.Reason));

    public void Dropped(long count, string cause)
    {
        if (count > 0)
        {
            _dropped.Add(count, new KeyValuePair<string, object?>("cause", cause));
        }
    }
}
