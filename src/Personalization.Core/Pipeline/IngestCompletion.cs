using Personalization.Ingest;

namespace Personalization.Pipeline;

/// <summary>The results of one ingest call, filled in by the stages that decide them.</summary>
internal sealed class IngestCompletion
{
    private readonly IngestResult[] _results;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;

    public IngestCompletion(int count)
    {
        _results = new IngestResult[count];
        _pending = count;
        if (count == 0)
        {
            _done.TrySetResult();
        }
    }

    public IReadOnlyList<IngestResult> Results => _results;

    public Task Completed => _done.Task;

    public void Set(int index, IngestResult result)
    {
        _results[index] = result;
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            // Continuations run on the thread pool, never inline on a stage's thread.
            _done.TrySetResult();
        }
    }
}
