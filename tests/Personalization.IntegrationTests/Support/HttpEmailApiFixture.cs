using Personalization.Delivery;
using Personalization.Delivery.Dispatch;

namespace Personalization.IntegrationTests.Support;

/// <summary>
/// The parts every HTTP email dispatcher test uses: a <see cref="LoopbackHttpServer"/> and an <see cref="HttpClient"/>
/// per test, options pointing at the server, and a realistic message.
/// </summary>
public abstract class HttpEmailApiFixture
{
    protected const string ApiKey = "test-key-123";

    protected static readonly EmailMessage Message = new()
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

    /// <summary>The test's API server.</summary>
    protected LoopbackHttpServer Server { get; private set; } = null!;

    /// <summary>The host's client, passed to the dispatcher.</summary>
    protected HttpClient HttpClient { get; private set; } = null!;

    [SetUp]
    public void StartServer()
    {
        Server = LoopbackHttpServer.Start();
        HttpClient = new HttpClient();
    }

    [TearDown]
    public async Task StopServer()
    {
        HttpClient.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Options for the test's server with <see cref="ApiKey"/>, changed by <paramref name="configure"/>.</summary>
    protected HttpEmailApiOptions Options(Action<HttpEmailApiOptions>? configure = null)
    {
        var options = new HttpEmailApiOptions { Endpoint = Server.Url("/v1/send"), ApiKey = ApiKey };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Retries without jitter, immediate unless <paramref name="baseDelay"/> says otherwise.</summary>
    protected static DeliveryRetryOptions Retries(int maxAttempts = 5, TimeSpan? baseDelay = null, TimeSpan? attemptTimeout = null) => new()
    {
        MaxAttempts = maxAttempts,
        BaseDelay = baseDelay ?? TimeSpan.Zero,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(30),
        UseJitter = false,
    };

    /// <summary>Sends <see cref="Message"/> once and returns the failure, which the test expects.</summary>
    protected static async Task<EmailDispatchException> DispatchFailureAsync(HttpEmailDispatcher dispatcher)
    {
        try
        {
            await dispatcher.DispatchAsync(Message, CancellationToken.None);
        }
        catch (EmailDispatchException error)
        {
            return error;
        }

        throw new AssertionException("The dispatch succeeded.");
    }
}
