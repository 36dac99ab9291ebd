using System.Text.Json.Nodes;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Delivery;

/// <summary>What the HTTP email dispatcher posts to a real HTTP server on loopback: the body, the key and idempotency
/// headers, and which options it refuses.</summary>
public class HttpEmailDispatcherTests : HttpEmailApiFixture
{
    [Test]
    public async Task The_default_body_posts_the_message_as_JSON()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);

        await dispatcher.DispatchAsync(Message, CancellationToken.None);

        var request = await Server.WaitForRequestAsync(1);
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
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);
        var textOnly = new EmailMessage
        {
            SendKey = Message.SendKey,
            MessageId = Message.MessageId,
            Trigger = Message.Trigger,
            UserId = Message.UserId,
            From = Message.From,
            To = Message.To,
            Subject = Message.Subject,
            TextBody = "Just text.",
            UnsubscribeUrl = Message.UnsubscribeUrl,
            Headers = [],
        };

        await dispatcher.DispatchAsync(textOnly, CancellationToken.None);

        var body = (await Server.WaitForRequestAsync(1)).Json.AsObject();
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
        }), HttpClient);

        await dispatcher.DispatchAsync(Message, CancellationToken.None);

        var body = (await Server.WaitForRequestAsync(1)).Json;
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
        }), HttpClient);

        await dispatcher.DispatchAsync(Message, CancellationToken.None);

        var json = (await Server.WaitForRequestAsync(1)).Json;
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
            Options(o => o.BodyMapper = _ => throw new InvalidOperationException("no such field")), HttpClient);

        var error = await DispatchFailureAsync(dispatcher);

        Assert.Multiple(() =>
        {
            Assert.That(error.Permanent, Is.True);
            Assert.That(error.Message, Does.Contain("no such field"));
            Assert.That(Server.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task The_API_key_is_a_bearer_token_and_the_send_key_the_idempotency_key()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);

        await dispatcher.DispatchAsync(Message, CancellationToken.None);

        var request = await Server.WaitForRequestAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer test-key-123"));
            Assert.That(request.Header("Idempotency-Key"), Is.EqualTo(Message.SendKey));
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
        }), HttpClient);

        await dispatcher.DispatchAsync(Message, CancellationToken.None);

        var request = await Server.WaitForRequestAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("X-Api-Key"), Is.EqualTo(ApiKey));
            Assert.That(request.Header("Authorization"), Is.Null);
            Assert.That(request.Header("X-Request-Id"), Is.EqualTo(Message.SendKey));
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
        }), HttpClient);

        await dispatcher.DispatchAsync(Message, CancellationToken.None);

        var request = await Server.WaitForRequestAsync(1);
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
            await dispatcher.DispatchAsync(Message, CancellationToken.None);
        }

        Assert.That((await Server.WaitForRequestAsync(1)).Header("Authorization"), Is.EqualTo("Bearer test-key-123"));
    }

    [Test]
    public void Cancelling_the_callers_token_throws_OperationCanceledException()
    {
        using var dispatcher = new HttpEmailDispatcher(Options(), HttpClient);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(async () => await dispatcher.DispatchAsync(Message, cts.Token), Throws.InstanceOf<OperationCanceledException>());
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

        Assert.That(() => new HttpEmailDispatcher(options, HttpClient), Throws.ArgumentException
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
