using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Delivery;

/// <summary>How the HTTP email dispatcher, with the retrier around it, treats each kind of answer of a real HTTP
/// server on loopback: which are retried, after how long, and what the error says.</summary>
public class HttpEmailDispatcherAnswerTests : HttpEmailApiFixture
{
    [Test]
    public async Task A_429_with_Retry_After_seconds_is_retried_once_that_delay_has_passed()
    {
        var time = new TimerWatchingTimeProvider();
        Server.Reply(new ScriptedResponse(429, """{"error":"rate limited"}""", ("Retry-After", "7")), ScriptedResponse.Ok);
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(baseDelay: TimeSpan.FromSeconds(1)), time);

        var send = retrier.SendAsync(Message, CancellationToken.None);
        await Server.WaitForRequestAsync(1);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.That(Server.Requests, Has.Count.EqualTo(1), "the API asked for 7 s, not the 1 s back-off");

        time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await send;

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 2, null)));
            Assert.That(Server.Requests.Select(r => r.Header("Idempotency-Key")), Is.EqualTo(new[] { Message.SendKey, Message.SendKey }),
                "a retry is the same send to the API");
        });
    }

    [Test]
    public async Task A_429_or_503_carries_its_Retry_After_in_seconds([Values(429, 503)] int status)
    {
        Server.Reply(new ScriptedResponse(status, "slow down", ("Retry-After", "120")));
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.Multiple(() =>
        {
            Assert.That(error.Permanent, Is.False);
            Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(120)));
        });
    }

    [Test]
    public async Task A_Retry_After_date_is_measured_against_the_options_clock()
    {
        var time = new TimerWatchingTimeProvider();
        var until = time.GetUtcNow().AddSeconds(30);
        Server.Reply(new ScriptedResponse(503, "maintenance", ("Retry-After", until.ToString("r"))));
        using var dispatcher = new HttpEmailDispatcher(Options(o => o.TimeProvider = time), HttpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.Multiple(() =>
        {
            Assert.That(error.Permanent, Is.False);
            Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        });
    }

    [Test]
    public async Task A_Retry_After_date_in_the_past_means_retry_now()
    {
        var time = new TimerWatchingTimeProvider();
        Server.Reply(new ScriptedResponse(429, "", ("Retry-After", time.GetUtcNow().AddMinutes(-1).ToString("r"))));
        using var dispatcher = new HttpEmailDispatcher(Options(o => o.TimeProvider = time), HttpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task Server_errors_are_retried_until_the_API_accepts([Values(500, 502, 503)] int status)
    {
        Server.Reply(new ScriptedResponse(status, "oops"), new ScriptedResponse(status, "oops"), ScriptedResponse.Ok);
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(Message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 3, null)));
            Assert.That(Server.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task A_408_is_retried()
    {
        Server.Reply(new ScriptedResponse(408, "request timeout"), ScriptedResponse.Ok);
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(Message, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 2, null)));
    }

    [Test]
    public async Task An_API_that_does_not_answer_is_abandoned_after_the_attempt_timeout_and_retried()
    {
        var time = new TimerWatchingTimeProvider();
        var timeout = TimeSpan.FromSeconds(10);
        Server.Reply(ScriptedResponse.NoAnswer, ScriptedResponse.Ok);
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(maxAttempts: 3, attemptTimeout: timeout), time);

        var send = retrier.SendAsync(Message, CancellationToken.None);
        await Server.WaitForRequestAsync(1);
        await time.WaitForTimerAsync(timeout);
        time.Advance(timeout);
        var outcome = await send;

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 2, null)));
            Assert.That(Server.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Client_errors_are_permanent_and_not_retried([Values(400, 401, 404, 422)] int status)
    {
        Server.Reply(new ScriptedResponse(status, """{"error":"invalid recipient"}"""));
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(Message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.False);
            Assert.That(outcome.Attempts, Is.EqualTo(1));
            Assert.That(outcome.Permanent, Is.True);
            Assert.That(outcome.LastError!.Message, Does.Contain($" {status} ").And.Contain("""{"error":"invalid recipient"}"""));
            Assert.That(Server.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task An_error_message_leaves_out_the_endpoints_query_string()
    {
        Server.Reply(new ScriptedResponse(400, "bad"));
        using var dispatcher = new HttpEmailDispatcher(Options(o => o.Endpoint = Server.Url("/v1/send?api_key=secret")), HttpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(Server.Url("/v1/send").ToString()).And.Contain("400 Bad Request: bad"));
            Assert.That(error.Message, Does.Not.Contain("secret"));
        });
    }

    [Test]
    public async Task A_long_error_body_is_cut_to_MaxErrorBodyChars_in_the_message()
    {
        Server.Reply(new ScriptedResponse(400, new string('x', 5000)));
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(new string('x', 512) + "…"));
            Assert.That(error.Message, Does.Not.Contain(new string('x', 513)));
        });
    }

    [Test]
    public async Task A_server_that_is_down_fails_transiently_until_MaxAttempts()
    {
        var options = Options(o => o.Endpoint = new Uri($"http://127.0.0.1:{LoopbackPorts.Unused()}/v1/send"));
        using var dispatcher = new HttpEmailDispatcher(options, HttpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(maxAttempts: 3), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(Message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.False);
            Assert.That(outcome.Attempts, Is.EqualTo(3));
            Assert.That(outcome.Permanent, Is.False);
            Assert.That(outcome.LastError, Is.TypeOf<EmailDispatchException>()
                .With.InnerException.InstanceOf<HttpRequestException>());
        });
    }
}
