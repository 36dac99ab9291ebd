using System.Collections.Concurrent;
using Personalization.Triggers;

namespace Personalization.Tests.Support;

/// <summary>Collects send intents and lets a test wait, with a timeout, until a number of them arrived. Thread-safe.</summary>
public sealed class TriggerSendRecorder : ISendIntentSink
{
    private readonly ConcurrentQueue<SendIntent> _intents = new();
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    /// <summary>The intents so far, in the order they were submitted.</summary>
    public IReadOnlyCollection<SendIntent> Intents => _intents;

    public void Submit(SendIntent intent)
    {
        _intents.Enqueue(intent);
        lock (_lock)
        {
            foreach (var (count, done) in _waiters)
            {
                if (_intents.Count >= count)
                {
                    done.TrySetResult();
                }
            }
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> intents arrived; fails after <see cref="TestPipelines.Timeout"/>.</summary>
    public Task WaitForAsync(int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_intents.Count >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, done));
        }

        return done.Task.WaitAsync(TestPipelines.Timeout);
    }
}
