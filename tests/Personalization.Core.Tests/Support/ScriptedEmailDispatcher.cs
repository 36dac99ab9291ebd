using Personalization.Delivery;

namespace Personalization.Tests.Support;

/// <summary>
/// An in-memory <see cref="IEmailDispatcher"/> that plays a script, one step per attempt: succeed, throw, or hang until
/// cancelled. Once the script runs out every attempt succeeds.
/// </summary>
public sealed class ScriptedEmailDispatcher : IEmailDispatcher
{
    private readonly Queue<Func<CancellationToken, Task>> _script = new();
    private readonly List<EmailMessage> _attempts = [];
    private readonly Lock _lock = new();

    public string Name => "scripted";

    /// <summary>The messages of every attempt, in order.</summary>
    public IReadOnlyList<EmailMessage> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>The next attempt throws <paramref name="error"/>.</summary>
    public ScriptedEmailDispatcher ThenFail(Exception error) => Then(_ => Task.FromException(error));

    /// <summary>The next attempt succeeds.</summary>
    public ScriptedEmailDispatcher ThenSucceed() => Then(_ => Task.CompletedTask);

    /// <summary>The next attempt never returns unless its token is cancelled.</summary>
    public ScriptedEmailDispatcher ThenHang() => Then(token => Task.Delay(Timeout.Infinite, token));

    /// <summary>The next attempt runs <paramref name="step"/>.</summary>
    public ScriptedEmailDispatcher Then(Func<CancellationToken, Task> step)
    {
        lock (_lock)
        {
            _script.Enqueue(step);
        }

        return this;
    }

    public Task DispatchAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Func<CancellationToken, Task>? step;
        lock (_lock)
        {
            _attempts.Add(message);
            _script.TryDequeue(out step);
        }

        return step is null ? Task.CompletedTask : step(cancellationToken);
    }
}
