using Microsoft.Extensions.Time.Testing;

namespace Personalization.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when a timer is created, so a test advances the clock only once a delay
/// (a retry's back-off, a timeout) is actually waiting on it: advancing earlier would start that delay later.
/// </summary>
public sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TimerWatchingTimeProvider()
        : base(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>The due times of the timers started so far (created or changed), in order.</summary>
    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (_lock)
            {
                return [.. _dueTimes];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this, base.CreateTimer(callback, state, dueTime, period));
        Started(dueTime);
        return timer;
    }

    // A CancellationTokenSource with a delay creates its timer unarmed and arms it with Change.
    private void Started(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        TaskCompletionSource created;
        lock (_lock)
        {
            _dueTimes.Add(dueTime);
            created = _created;
            _created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        created.SetResult();
    }

    /// <summary>Waits (real time, at most 10 seconds) until <paramref name="count"/> timers started due after
    /// <paramref name="dueTime"/> have been created.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, int count = 1)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task created;
            lock (_lock)
            {
                if (_dueTimes.Count(d => d == dueTime) >= count)
                {
                    return;
                }

                created = _created.Task;
            }

            try
            {
                await created.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {count} timers started due after {dueTime}; timers so far: {string.Join(", ", DueTimes)}.");
            }
        }
    }

    private sealed class WatchedTimer(TimerWatchingTimeProvider owner, ITimer timer) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = timer.Change(dueTime, period);
            owner.Started(dueTime);
            return changed;
        }

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
