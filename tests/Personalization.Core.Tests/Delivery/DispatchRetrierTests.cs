using Personalization.Delivery;
using Personalization.Tests.Support;
using Polly.Timeout;

namespace Personalization.Tests.Delivery;

/// <summary>Retries of one send: which failures are retried, how long between attempts, timeouts and cancellation.</summary>
public class DispatchRetrierTests
{
    private static readonly EmailMessage s_message = new()
    {
        SendKey = "cart_abandonment:u1:1",
        MessageId = "cart_abandonment.u1.1@shop.example",
        Trigger = "cart_abandonment",
        UserId = "u1",
        From = "news@shop.example",
        To = "u1@example.com",
        Subject = "Your cart",
        TextBody = "You left something behind.",
        UnsubscribeUrl = "https://shop.example/unsubscribe?u=u1",
        Headers = [],
    };

    private static DeliveryRetryOptions Options(int maxAttempts = 5, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null,
        TimeSpan? attemptTimeout = null) => new()
        {
            MaxAttempts = maxAttempts,
            BaseDelay = baseDelay ?? TimeSpan.Zero,
            MaxDelay = maxDelay ?? TimeSpan.FromMinutes(5),
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(30),
            UseJitter = false,
        };

    private static EmailDispatchException Transient(string text, TimeSpan? retryAfter = null) => new(text, permanent: false, retryAfter);

    [Test]
    public async Task Transient_failures_are_retried_until_an_attempt_succeeds()
    {
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(Transient("busy")).ThenFail(Transient("busy")).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 3, null)));
            Assert.That(dispatcher.Attempts, Has.Count.EqualTo(3).And.All.SameAs(s_message));
        });
    }

    [Test]
    public async Task Transient_failures_stop_after_MaxAttempts_with_the_last_error()
    {
        var dispatcher = new ScriptedEmailDispatcher();
        for (var i = 1; i <= 5; i++)
        {
            dispatcher.ThenFail(Transient($"failure {i}"));
        }

        var retrier = new DispatchRetrier(dispatcher, Options(maxAttempts: 3), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.False);
            Assert.That(outcome.Attempts, Is.EqualTo(3));
            Assert.That(outcome.Permanent, Is.False);
            Assert.That(outcome.LastError, Is.TypeOf<EmailDispatchException>().With.Message.EqualTo("failure 3"));
            Assert.That(dispatcher.Attempts, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task A_permanent_failure_is_not_retried()
    {
        var refused = new EmailDispatchException("550 mailbox unavailable", permanent: true);
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(refused).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new DispatchOutcome(false, 1, refused)));
            Assert.That(outcome.Permanent, Is.True);
            Assert.That(dispatcher.Attempts, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task An_exception_of_another_type_is_retried_as_transient()
    {
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(new IOException("connection reset")).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 2, null)));
    }

    [Test]
    public async Task One_attempt_is_made_when_MaxAttempts_is_1()
    {
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(Transient("busy")).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(maxAttempts: 1), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.False);
            Assert.That(outcome.Attempts, Is.EqualTo(1));
            Assert.That(outcome.LastError, Has.Message.EqualTo("busy"));
        });
    }

    [Test]
    public async Task Delays_double_from_BaseDelay_without_jitter()
    {
        var time = new TimerWatchingTimeProvider();
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(Transient("busy")).ThenFail(Transient("busy")).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(baseDelay: TimeSpan.FromSeconds(1)), time);

        var send = retrier.SendAsync(s_message, CancellationToken.None);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        Assert.That(dispatcher.Attempts, Has.Count.EqualTo(2));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(await send, Is.EqualTo(new DispatchOutcome(true, 3, null)));
    }

    [Test]
    public async Task Retry_after_replaces_the_back_off_delay()
    {
        var time = new TimerWatchingTimeProvider();
        var retryAfter = TimeSpan.FromSeconds(42);
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(Transient("429 slow down", retryAfter)).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(baseDelay: TimeSpan.FromSeconds(1)), time);

        var send = retrier.SendAsync(s_message, CancellationToken.None);
        await time.WaitForTimerAsync(retryAfter);
        time.Advance(retryAfter - TimeSpan.FromMilliseconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(send.IsCompleted, Is.False);
            Assert.That(dispatcher.Attempts, Has.Count.EqualTo(1), "the platform asked to wait 42 s, not the 1 s back-off");
        });

        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Multiple(async () =>
        {
            Assert.That(await send, Is.EqualTo(new DispatchOutcome(true, 2, null)));
            Assert.That(time.DueTimes, Has.None.EqualTo(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public async Task Retry_after_is_capped_by_MaxDelay()
    {
        var time = new TimerWatchingTimeProvider();
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(Transient("429 come back tomorrow", TimeSpan.FromDays(1))).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(baseDelay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromMinutes(1)), time);

        var send = retrier.SendAsync(s_message, CancellationToken.None);
        await time.WaitForTimerAsync(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.That(await send, Is.EqualTo(new DispatchOutcome(true, 2, null)));
    }

    [Test]
    public async Task A_hanging_attempt_times_out_as_a_transient_failure()
    {
        var time = new TimerWatchingTimeProvider();
        var timeout = TimeSpan.FromSeconds(10);
        var dispatcher = new ScriptedEmailDispatcher().ThenHang().ThenHang();
        var retrier = new DispatchRetrier(dispatcher, Options(maxAttempts: 2, attemptTimeout: timeout), time);

        var send = retrier.SendAsync(s_message, CancellationToken.None);
        await time.WaitForTimerAsync(timeout);
        time.Advance(timeout);
        await time.WaitForTimerAsync(timeout, count: 2);
        Assert.That(dispatcher.Attempts, Has.Count.EqualTo(2), "the timed-out attempt is retried");
        time.Advance(timeout);
        var outcome = await send;

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.False);
            Assert.That(outcome.Attempts, Is.EqualTo(2));
            Assert.That(outcome.LastError, Is.TypeOf<TimeoutRejectedException>());
            Assert.That(outcome.Permanent, Is.False);
        });
    }

    [Test]
    public async Task Cancelling_the_callers_token_during_an_attempt_throws_OperationCanceledException()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ScriptedEmailDispatcher().Then(async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        var retrier = new DispatchRetrier(dispatcher, Options(), new TimerWatchingTimeProvider());
        using var cts = new CancellationTokenSource();

        var send = retrier.SendAsync(s_message, cts.Token);
        await started.Task;
        await cts.CancelAsync();

        Assert.That(async () => await send, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(dispatcher.Attempts, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Cancelling_the_callers_token_during_a_delay_throws_OperationCanceledException()
    {
        var time = new TimerWatchingTimeProvider();
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(Transient("busy", TimeSpan.FromMinutes(1))).ThenSucceed();
        var retrier = new DispatchRetrier(dispatcher, Options(), time);
        using var cts = new CancellationTokenSource();

        var send = retrier.SendAsync(s_message, cts.Token);
        await time.WaitForTimerAsync(TimeSpan.FromMinutes(1));
        await cts.CancelAsync();

        Assert.That(async () => await send, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(dispatcher.Attempts, Has.Count.EqualTo(1), "no attempt after the cancellation");
    }

    [Test]
    public async Task OnRetry_receives_the_message_the_error_and_the_number_of_the_failed_attempt()
    {
        var first = Transient("first");
        var second = new IOException("second");
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(first).ThenFail(second).ThenSucceed();
        var retries = new List<(EmailMessage Message, Exception Error, int Attempt)>();
        var retrier = new DispatchRetrier(dispatcher, Options(), new TimerWatchingTimeProvider(),
            (message, error, attempt) => retries.Add((message, error, attempt)));

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.True);
            Assert.That(retries, Is.EqualTo(new[] { (s_message, (Exception)first, 1), (s_message, second, 2) }));
        });
    }

    [Test]
    public async Task OnRetry_is_not_called_for_a_permanent_failure()
    {
        var dispatcher = new ScriptedEmailDispatcher().ThenFail(new EmailDispatchException("400 bad request", permanent: true));
        var retries = 0;
        var retrier = new DispatchRetrier(dispatcher, Options(), new TimerWatchingTimeProvider(), (_, _, _) => retries++);

        await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.That(retries, Is.Zero);
    }
}
