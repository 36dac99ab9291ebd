using System.Net;
using System.Text.Json.Nodes;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Delivery;

/// <summary>The HTTP email dispatcher against a real HTTP server on loopback: what it posts, and how it (with the
/// retrier) reacts to each kind of answer.</summary>
public class HttpEmailDispatcherTests
{
    private const string ApiKey = "test-key-123";

    private static readonly EmailMessage s_message = new()
    {
        SendKey = "cart_abandonment:u1:638712345",
        MessageId = "cart_abandonment.u1.638712345@shop.example",
        Trigger = "cart_abandonment",
        UserId = "u1",
        From = "Shop <news@shop.example>",
        To = "ada@example.com",
        Subject = "You left something in your cart",
        HtmlBody = "<p>Hi Ada, your <b>boots</b> are waiting.</p>",
        TextBody = "Hi Ada, your boots are waiting.",
        UnsubscribeUrl = "https://shop.example/unsubscribe?u=u1&t=abc",
        Headers =
        [
            new("List-Unsubscribe", "<https://shop.example/unsubscribe?u=u1&t=abc>"),
            new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            new("X-Personalization-Trigger", "cart_abandonment"),
            new("X-Personalization-Send-Key", "cart_abandonment:u1:638712345"),
        ],
    };

    private LoopbackHttpServer _server = null!;
    private HttpClient _httpClient = null!;

    [SetUp]
    public void StartServer()
    {
        _server = LoopbackHttpServer.Start();
        _httpClient = new HttpClient();
    }

    [TearDown]
    public async Task StopServer()
    {
        _httpClient.Dispose();
        await _server.DisposeAsync();
    }

    private HttpEmailApiOptions Options(Action<HttpEmailApiOptions>? configure = null)
    {
        var options = new HttpEmailApiOptions { Endpoint = _server.Url("/v1/send"), ApiKey = ApiKey };
        configure?.Invoke(options);
        return options;
    }

    private static DeliveryRetryOptions Retries(int maxAttempts = 5, TimeSpan? baseDelay = null) => new()
    {
        MaxAttempts = maxAttempts,
        BaseDelay = baseDelay ?? TimeSpan.Zero,
        UseJitter = false,
    };

    private static async Task<EmailDispatchException> DispatchFailureAsync(HttpEmailDispatcher dispatcher)
    {
        try
        {
            await dispatcher.DispatchAsync(s_message, CancellationToken.None);
        }
        catch (EmailDispatchException error)
        {
            return error;
        }

        throw new AssertionException("The dispatch succeeded.");
    }

    [Test]
    public async Task The_default_body_posts_the_message_as_JSON()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);

        await dispatcher.DispatchAsync(s_message, CancellationToken.None);

        var request = await _server.WaitForRequestAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Name, Is.EqualTo("http"));
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/v1/send"));
            Assert.That(request.Header("Content-Type"), Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(JsonNode.DeepEquals(request.Json, JsonNode.Parse("""
                {
                  "from": "Shop <news@shop.example>",
                  "to": "ada@example.com",
                  "subject": "You left something in your cart",
                  "html": "<p>Hi Ada, your <b>boots</b> are waiting.</p>",
                  "text": "Hi Ada, your boots are waiting.",
                  "headers": {
                    "List-Unsubscribe": "<https://shop.example/unsubscribe?u=u1&t=abc>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    "X-Personalization-Trigger": "cart_abandonment",
                    "X-Personalization-Send-Key": "cart_abandonment:u1:638712345"
                  },
                  "message_id": "cart_abandonment.u1.638712345@shop.example",
                  "send_key": "cart_abandonment:u1:638712345",
                  "trigger": "cart_abandonment",
                  "user_id": "u1"
                }
                """)), Is.True, request.Body);
        });
    }

    [Test]
    public async Task The_default_body_leaves_out_a_part_the_template_does_not_have()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);
        var textOnly = new EmailMessage
        {
            SendKey = s_message.SendKey,
            MessageId = s_message.MessageId,
            Trigger = s_message.Trigger,
            UserId = s_message.UserId,
            From = s_message.From,
            To = s_message.To,
            Subject = s_message.Subject,
            TextBody = "Just text.",
            UnsubscribeUrl = s_message.UnsubscribeUrl,
            Headers = [],
        };

        await dispatcher.DispatchAsync(textOnly, CancellationToken.None);

        var body = (await _server.WaitForRequestAsync(1)).Json.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(body.ContainsKey("html"), Is.False);
            Assert.That((string?)body["text"], Is.EqualTo("Just text."));
            Assert.That(body["headers"]!.AsObject(), Is.Empty);
        });
    }

    [Test]
    public async Task A_custom_BodyMapper_shapes_the_body()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(o => o.BodyMapper = m => new JsonObject
        {
            ["personalizations"] = new JsonArray(new JsonObject { ["to"] = new JsonArray(new JsonObject { ["email"] = m.To }) }),
            ["from"] = new JsonObject { ["email"] = m.From },
            ["subject"] = m.Subject,
            ["custom_args"] = new JsonObject { ["trigger"] = m.Trigger },
        }), _httpClient);

        await dispatcher.DispatchAsync(s_message, CancellationToken.None);

        var body = (await _server.WaitForRequestAsync(1)).Json;
        Assert.Multiple(() =>
        {
            Assert.That((string?)body["personalizations"]![0]!["to"]![0]!["email"], Is.EqualTo("ada@example.com"));
            Assert.That((string?)body["from"]!["email"], Is.EqualTo("Shop <news@shop.example>"));
            Assert.That((string?)body["custom_args"]!["trigger"], Is.EqualTo("cart_abandonment"));
            Assert.That(body.AsObject().ContainsKey("html"), Is.False);
        });
    }

    [Test]
    public async Task A_BodyMapper_can_extend_the_default_body()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(o => o.BodyMapper = m =>
        {
            var body = HttpEmailApiOptions.DefaultBody(m);
            body["stream"] = "marketing";
            return body;
        }), _httpClient);

        await dispatcher.DispatchAsync(s_message, CancellationToken.None);

        var json = (await _server.WaitForRequestAsync(1)).Json;
        Assert.Multiple(() =>
        {
            Assert.That((string?)json["stream"], Is.EqualTo("marketing"));
            Assert.That((string?)json["to"], Is.EqualTo("ada@example.com"));
        });
    }

    [Test]
    public async Task A_BodyMapper_that_throws_fails_the_send_permanently_without_a_request()
    {
        using var dispatcher = new HttpEmailDispatcher(
            Options(o => o.BodyMapper = _ => throw new InvalidOperationException("no such field")), _httpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.Multiple(() =>
        {
            Assert.That(error.Permanent, Is.True);
            Assert.That(error.Message, Does.Contain("no such field"));
            Assert.That(_server.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task The_API_key_is_a_bearer_token_and_the_send_key_the_idempotency_key()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);

        await dispatcher.DispatchAsync(s_message, CancellationToken.None);

        var request = await _server.WaitForRequestAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer test-key-123"));
            Assert.That(request.Header("Idempotency-Key"), Is.EqualTo(s_message.SendKey));
        });
    }

    [Test]
    public async Task The_API_key_can_go_raw_in_its_own_header_with_fixed_headers_beside_it()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(o =>
        {
            o.ApiKeyHeader = "X-Api-Key";
            o.ApiKeyPrefix = "";
            o.IdempotencyKeyHeader = "X-Request-Id";
            o.Headers["X-Account"] = "shop-eu";
            o.Headers["Content-Type"] = "application/vnd.mail+json";
        }), _httpClient);

        await dispatcher.DispatchAsync(s_message, CancellationToken.None);

        var request = await _server.WaitForRequestAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("X-Api-Key"), Is.EqualTo(ApiKey));
            Assert.That(request.Header("Authorization"), Is.Null);
            Assert.That(request.Header("X-Request-Id"), Is.EqualTo(s_message.SendKey));
            Assert.That(request.Header("Idempotency-Key"), Is.Null);
            Assert.That(request.Header("X-Account"), Is.EqualTo("shop-eu"));
            Assert.That(request.Header("Content-Type"), Is.EqualTo("application/vnd.mail+json"));
        });
    }

    [Test]
    public async Task Without_a_key_or_an_idempotency_header_neither_is_sent()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(o =>
        {
            o.ApiKey = null;
            o.IdempotencyKeyHeader = null;
        }), _httpClient);

        await dispatcher.DispatchAsync(s_message, CancellationToken.None);

        var request = await _server.WaitForRequestAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("Authorization"), Is.Null);
            Assert.That(request.Header("Idempotency-Key"), Is.Null);
        });
    }

    [Test]
    public async Task A_dispatcher_with_its_own_HttpClient_sends_too()
    {
        using (var dispatcher = new HttpEmailDispatcher(Options()))
        {
            await dispatcher.DispatchAsync(s_message, CancellationToken.None);
        }

        Assert.That((await _server.WaitForRequestAsync(1)).Header("Authorization"), Is.EqualTo("Bearer test-key-123"));
    }

    [Test]
    public async Task A_429_with_Retry_After_seconds_is_retried_once_that_delay_has_passed()
    {
        var time = new TimerWatchingTimeProvider();
        _server.Reply(new ScriptedResponse(429, """{"error":"rate limited"}""", ("Retry-After", "7")), ScriptedResponse.Ok);
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(baseDelay: TimeSpan.FromSeconds(1)), time);

        var send = retrier.SendAsync(s_message, CancellationToken.None);
        await _server.WaitForRequestAsync(1);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.That(_server.Requests, Has.Count.EqualTo(1), "the API asked for 7 s, not the 1 s back-off");

        time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await send;

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 2, null)));
            Assert.That(_server.Requests.Select(r => r.Header("Idempotency-Key")), Is.EqualTo(new[] { s_message.SendKey, s_message.SendKey }),
                "a retry is the same send to the API");
        });
    }

    [Test]
    public async Task A_429_or_503_carries_its_Retry_After_in_seconds([Values(429, 503)] int status)
    {
        _server.Reply(new ScriptedResponse(status, "slow down", ("Retry-After", "120")));
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);

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
        _server.Reply(new ScriptedResponse(503, "maintenance", ("Retry-After", until.ToString("r"))));
        using var dispatcher = new HttpEmailDispatcher(Options(o => o.TimeProvider = time), _httpClient);

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
        _server.Reply(new ScriptedResponse(429, "", ("Retry-After", time.GetUtcNow().AddMinutes(-1).ToString("r"))));
        using var dispatcher = new HttpEmailDispatcher(Options(o => o.TimeProvider = time), _httpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task Server_errors_are_retried_until_the_API_accepts([Values(500, 502, 503)] int status)
    {
        _server.Reply(new ScriptedResponse(status, "oops"), new ScriptedResponse(status, "oops"), ScriptedResponse.Ok);
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 3, null)));
            Assert.That(_server.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task A_408_is_retried()
    {
        _server.Reply(new ScriptedResponse(408, "request timeout"), ScriptedResponse.Ok);
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(new DispatchOutcome(true, 2, null)));
    }

    [Test]
    public async Task Client_errors_are_permanent_and_not_retried([Values(400, 401, 404, 422)] int status)
    {
        _server.Reply(new ScriptedResponse(status, """{"error":"invalid recipient"}"""));
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.False);
            Assert.That(outcome.Attempts, Is.EqualTo(1));
            Assert.That(outcome.Permanent, Is.True);
            Assert.That(outcome.LastError!.Message, Does.Contain($" {status} ").And.Contain("""{"error":"invalid recipient"}"""));
            Assert.That(_server.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_long_error_body_is_cut_to_MaxErrorBodyChars_in_the_message()
    {
        _server.Reply(new ScriptedResponse(400, new string('x', 5000)));
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);

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
        var options = Options(o => o.Endpoint = new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/v1/send"));
        using var dispatcher = new HttpEmailDispatcher(options, _httpClient);
        var retrier = new DispatchRetrier(dispatcher, Retries(maxAttempts: 3), new TimerWatchingTimeProvider());

        var outcome = await retrier.SendAsync(s_message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Sent, Is.False);
            Assert.That(outcome.Attempts, Is.EqualTo(3));
            Assert.That(outcome.Permanent, Is.False);
            Assert.That(outcome.LastError, Is.TypeOf<EmailDispatchException>()
                .With.InnerException.InstanceOf<HttpRequestException>());
        });
    }

    [Test]
    public void Cancelling_the_callers_token_throws_OperationCanceledException()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(), _httpClient);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(async () => await dispatcher.DispatchAsync(s_message, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Options_are_validated_with_every_bad_setting_in_one_message()
    {
        var options = new HttpEmailApiOptions
        {
            Endpoint = new Uri("ftp://mail.example/send"),
            ApiKey = "key",
            ApiKeyHeader = "X Api Key",
            IdempotencyKeyHeader = "Idempotency:Key",
            MaxErrorBodyChars = -1,
        };
        options.Headers["X-Evil"] = "a\r\nInjected: yes";

        Assert.That(() => new HttpEmailDispatcher(options, _httpClient), Throws.ArgumentException
            .With.Message.Contain("Endpoint 'ftp://mail.example/send' must be an http or https URL.")
            .And.Message.Contain("ApiKeyHeader 'X Api Key' is not a valid header name.")
            .And.Message.Contain("IdempotencyKeyHeader 'Idempotency:Key' is not a valid header name.")
            .And.Message.Contain("the value of 'X-Evil' must not be null or contain line breaks")
            .And.Message.Contain("MaxErrorBodyChars (-1) must not be negative."));
    }

    [Test]
    public void A_missing_or_relative_endpoint_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new HttpEmailDispatcher(new HttpEmailApiOptions()),
                Throws.ArgumentException.With.Message.Contain("Endpoint is required."));
            Assert.That(() => new HttpEmailDispatcher(new HttpEmailApiOptions { Endpoint = new Uri("/send", UriKind.Relative) }),
                Throws.ArgumentException.With.Message.Contain("must be an absolute URL"));
        });
    }
}
