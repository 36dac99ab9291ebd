using Personalization.Collect;
using Personalization.DeadLetters;
using Personalization.Pipeline;

namespace Personalization.Samples.Replay;

/// <summary>
/// The replay's dead letters: records the reader rejected (they never reach the pipeline) go into the pipeline's
/// dead-letter store with the pipeline's own rejections, in batches; at the end the store is exported as JSON Lines.
/// </summary>
internal sealed class DeadLetterExport(PersonalizationPipeline pipeline)
{
    private const int BatchSize = 512;
    private readonly List<DeadLetterDraft> _pending = [];

    /// <summary>Keeps a record the reader rejected; written with the next batch.</summary>
    public async ValueTask AddAsync(ReplayRecord record)
    {
        _pending.Add(new DeadLetterDraft
        {
            Kind = DeadLetterKind.RejectedEvent,
            Reason = record.Result.ReasonCode ?? "malformed",
            Message = record.Result.Message ?? "rejected by the reader",
            MessageId = record.Result.MessageId,
            Raw = System.Text.Encoding.UTF8.GetBytes(record.Raw),
        });
        if (_pending.Count >= BatchSize)
        {
            await FlushAsync();
        }
    }

    public async ValueTask FlushAsync()
    {
        if (_pending.Count > 0 && Store(pipeline) is { } store)
        {
            await store.AppendAsync([.. _pending]);
        }

        _pending.Clear();
    }

    /// <summary>Writes every dead letter of the store to <paramref name="path"/>; returns how many.</summary>
    public static long Write(PersonalizationPipeline pipeline, string path)
    {
        try
        {
            using var file = File.Create(path);
            return Store(pipeline)?.ExportTo(file) ?? 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayInputException($"cannot write the dead letters to '{path}': {ex.Message}", ex);
        }
    }

    // A pipeline without delivery has no dead-letter store until the pipeline opens one itself (issue 6).
    private static IDeadLetterStore? Store(PersonalizationPipeline pipeline)
    {
        try
        {
            return pipeline.DeadLetters;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
