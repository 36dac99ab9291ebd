using System.Globalization;
using Personalization.Ingest;

namespace Personalization.Samples.Replay;

/// <summary>Counts the outcome of every record: accepted, duplicate, or rejected by reason (parse or pipeline).</summary>
internal sealed class ReplayTally
{
    private const int MaxSamples = 5;

    private readonly SortedDictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly List<string> _samples = [];

    public long Read { get; set; }

    public long Accepted { get; private set; }

    public long Duplicate { get; private set; }

    public long Rejected { get; private set; }

    public IReadOnlyDictionary<string, long> RejectedByReason => _byReason;

    public IReadOnlyList<string> Samples => _samples;

    public void Reject(long lineNumber, string reason, string? message)
    {
        Rejected++;
        _byReason[reason] = _byReason.TryGetValue(reason, out var count) ? count + 1 : 1;
        if (_samples.Count < MaxSamples)
        {
            // Reader messages already start with "Line N:"; pipeline messages get the record number here.
            var text = message ?? reason;
            _samples.Add(text.StartsWith("Line ", StringComparison.Ordinal)
                ? $"{reason}: {text}"
                : string.Create(CultureInfo.InvariantCulture, $"{reason}: record {lineNumber}: {text}"));
        }
    }

    public void Add(ReplayBatch batch, IReadOnlyList<IngestResult> results)
    {
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            switch (result.Status)
            {
                case IngestStatus.Accepted:
                    Accepted++;
                    break;
                case IngestStatus.Duplicate:
                    Duplicate++;
                    break;
                default:
                    Reject(batch.Lines[i], result.ReasonCode ?? "unknown", result.Message);
                    break;
            }
        }
    }
}
