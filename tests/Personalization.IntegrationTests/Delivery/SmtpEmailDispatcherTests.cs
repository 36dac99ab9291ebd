using System.Net;
using System.Net.Sockets;
using MailKit.Security;
using Microsoft.Extensions.Time.Testing;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Delivery;

[TestFixture]
public sealed class SmtpEmailDispatcherTests
{
    [Test]
    public async Task A_sent_email_arrives_with_its_addresses_subject_parts_message_id_and_headers()
    {
        await using var server = await LoopbackSmtpServer.StartAsync();
        await using var dispatcher = Dispatcher(server);
        var email = Email(1);

        await dispatcher.DispatchAsync(email, CancellationToken.None);

        Assert.That(server.Received, Has.Count.EqualTo(1));
        var received = server.Received[0];
        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Name, Is.EqualTo("smtp"));
            Assert.That(received.From.Mailboxes.Single().Name, Is.EqualTo("Shop"));
            Assert.That(received.From.Mailboxes.Single().Address, Is.EqualTo("news@shop.example"));
            Assert.That(received.To.Mailboxes.Single().Address, Is.EqualTo("user-1@example.com"));
            Assert.That(received.Subject, Is.EqualTo("You left something in your cart, user 1"));
            Assert.That(received.MessageId, Is.EqualTo(email.MessageId));
            Assert.That(received.Body!.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
            Assert.That(received.HtmlBody, Does.Contain("<p>Hello user 1</p>"));
            Assert.That(received.TextBody, Does.Contain("Hello user 1"));
            Assert.That(received.Headers["List-Unsubscribe"], Is.EqualTo("<https://shop.example/unsubscribe?u=user-1&t=token-1>"));
            Assert.That(received.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
            Assert.That(received.Headers["X-Personalization-Trigger"], Is.EqualTo("cart_abandonment"));
            Assert.That(received.Headers["X-Personalization-Send-Key"], Is.EqualTo("cart_abandonment:user-1:1"));
        });
    }

    [Test]
    public async Task A_4xx_reply_is_a_transient_failure_naming_the_server_and_code_and_the_connection_is_kept()
    {
        await using var server = await LoopbackSmtpServer.StartAsync(refuseFirstAttemptsPerMessage: 1);
        await using var dispatcher = Dispatcher(server);

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => dispatcher.DispatchAsync(Email(1), CancellationToken.None));
        await dispatcher.DispatchAsync(Email(1), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.False);
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{server.Port}").And.Contain("451"));
            Assert.That(error.InnerException, Is.InstanceOf<MailKit.Net.Smtp.SmtpCommandException>());
            Assert.That(server.Received, Has.Count.EqualTo(1));
            Assert.That(server.Sessions, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_5xx_reply_is_a_permanent_failure()
    {
        await using var server = await LoopbackSmtpServer.StartAsync(refuseAllPermanently: true);
        await using var dispatcher = Dispatcher(server);

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => dispatcher.DispatchAsync(Email(1), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.True);
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{server.Port}").And.Contain("554"));
            Assert.That(server.Attempts, Is.EqualTo(1));
            Assert.That(server.Received, Is.Empty);
        });
    }

    [Test]
    public async Task A_server_that_is_not_listening_is_a_transient_failure()
    {
        var port = UnusedPort();
        await using var dispatcher = new SmtpEmailDispatcher(new SmtpDispatcherOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Security = SecureSocketOptions.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => dispatcher.DispatchAsync(Email(1), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.False);
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}"));
            Assert.That(error.InnerException, Is.Not.Null);
        });
    }

    [Test]
    public async Task A_bad_recipient_address_is_a_permanent_failure_and_nothing_is_sent()
    {
        await using var server = await LoopbackSmtpServer.StartAsync();
        await using var dispatcher = Dispatcher(server);
        var email = Email(1, to: "not an address");

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => dispatcher.DispatchAsync(email, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.True);
            Assert.That(error.Message, Does.Contain("To address 'not an address'"));
            Assert.That(server.Sessions, Is.Zero);
        });
    }

    [Test]
    public async Task Two_hundred_concurrent_sends_arrive_once_each_over_at_most_four_connections()
    {
        await using var server = await LoopbackSmtpServer.StartAsync();
        await using var dispatcher = Dispatcher(server, maxConnections: 4);
        var emails = Enumerable.Range(1, 200).Select(i => Email(i)).ToList();

        await Task.WhenAll(emails.Select(e => Task.Run(() => dispatcher.DispatchAsync(e, CancellationToken.None))));

        Assert.Multiple(() =>
        {
            Assert.That(server.Received.Select(m => m.MessageId), Is.EquivalentTo(emails.Select(e => e.MessageId)));
            Assert.That(server.Sessions, Is.InRange(1, 4));
        });
    }

    [Test]
    public async Task Through_the_retrier_every_email_arrives_once_when_the_server_refuses_the_first_two_attempts()
    {
        await using var server = await LoopbackSmtpServer.StartAsync(refuseFirstAttemptsPerMessage: 2);
        await using var dispatcher = Dispatcher(server, maxConnections: 4);
        var retrier = new DispatchRetrier(dispatcher, new DeliveryRetryOptions
        {
            MaxAttempts = 5,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(5),
            UseJitter = false,
        }, TimeProvider.System);
        var emails = Enumerable.Range(1, 50).Select(i => Email(i)).ToList();

        var outcomes = await Task.WhenAll(emails.Select(e => retrier.SendAsync(e, CancellationToken.None)));

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => (o.Sent, o.Attempts)), Is.All.EqualTo((true, 3)));
            Assert.That(server.Received.Select(m => m.MessageId), Is.EquivalentTo(emails.Select(e => e.MessageId)));
            Assert.That(server.Attempts, Is.EqualTo(150));
            Assert.That(server.Sessions, Is.InRange(1, 4));
        });
    }

    [Test]
    public async Task A_pooled_connection_closed_by_a_server_restart_is_replaced_without_failing_the_send()
    {
        var first = await LoopbackSmtpServer.StartAsync();
        await using var dispatcher = Dispatcher(first);
        await dispatcher.DispatchAsync(Email(1), CancellationToken.None);
        await first.DisposeAsync();
        await using var second = await LoopbackSmtpServer.StartAsync(port: first.Port);

        await dispatcher.DispatchAsync(Email(2), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(second.Received.Select(m => m.MessageId), Is.EqualTo(new[] { Email(2).MessageId }));
            Assert.That(second.Sessions, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task With_credentials_the_dispatcher_authenticates_and_the_email_arrives()
    {
        await using var server = await LoopbackSmtpServer.StartAsync(credentials: ("shop", "secret"));
        await using var dispatcher = Dispatcher(server, userName: "shop", password: "secret");

        await dispatcher.DispatchAsync(Email(1), CancellationToken.None);
        await dispatcher.DispatchAsync(Email(2), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(server.Received, Has.Count.EqualTo(2));
            Assert.That(server.Sessions, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Refused_credentials_are_a_permanent_failure()
    {
        await using var server = await LoopbackSmtpServer.StartAsync(credentials: ("shop", "secret"));
        await using var dispatcher = Dispatcher(server, userName: "shop", password: "wrong");

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => dispatcher.DispatchAsync(Email(1), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.True);
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{server.Port}").And.Contain("'shop'"));
            Assert.That(error.InnerException, Is.InstanceOf<AuthenticationException>());
            Assert.That(server.Received, Is.Empty);
        });
    }

    [Test]
    public async Task A_server_that_requires_authentication_when_none_is_configured_is_a_permanent_failure()
    {
        await using var server = await LoopbackSmtpServer.StartAsync(credentials: ("shop", "secret"));
        await using var dispatcher = Dispatcher(server);

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => dispatcher.DispatchAsync(Email(1), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.True);
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{server.Port}"));
            Assert.That(server.Received, Is.Empty);
        });
    }

    [Test]
    public async Task A_server_that_accepts_but_never_greets_is_a_transient_failure_after_the_connect_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = new FakeTimeProvider();
        await using var dispatcher = new SmtpEmailDispatcher(new SmtpDispatcherOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Security = SecureSocketOptions.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        }, clock);

        var send = dispatcher.DispatchAsync(Email(1), CancellationToken.None);
        using var accepted = await silent.AcceptTcpClientAsync();
        clock.Advance(TimeSpan.FromSeconds(30));

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => send);
        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.False);
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}").And.Contain("connect timeout"));
        });
    }

    [Test]
    public async Task Cancelling_a_send_throws_OperationCanceledException_not_a_dispatch_failure()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var dispatcher = new SmtpEmailDispatcher(new SmtpDispatcherOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)silent.LocalEndpoint).Port,
            Security = SecureSocketOptions.None,
        });
        using var cancel = new CancellationTokenSource();

        var send = dispatcher.DispatchAsync(Email(1), cancel.Token);
        using var accepted = await silent.AcceptTcpClientAsync();
        await cancel.CancelAsync();

        Assert.That(async () => await send, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Options_with_bad_settings_fail_with_every_bad_setting_named()
    {
        var options = new SmtpDispatcherOptions
        {
            Host = " ",
            Port = 0,
            MaxConnections = 0,
            UserName = "shop",
            ConnectTimeout = TimeSpan.Zero,
        };

        var error = Assert.Throws<ArgumentException>(() => _ = new SmtpEmailDispatcher(options));

        Assert.That(error!.Message, Does.Contain("Host").And.Contain("Port").And.Contain("MaxConnections")
            .And.Contain("Password").And.Contain("ConnectTimeout"));
    }

    [Test]
    public void Options_default_to_port_25_required_tls_and_four_connections()
    {
        var options = new SmtpDispatcherOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Port, Is.EqualTo(25));
            Assert.That(options.Security, Is.EqualTo(SecureSocketOptions.StartTls));
            Assert.That(options.MaxConnections, Is.EqualTo(4));
            Assert.That(options.CheckCertificateRevocation, Is.True);
        });
    }

    private static SmtpEmailDispatcher Dispatcher(LoopbackSmtpServer server, int maxConnections = 4, string? userName = null, string? password = null) => new(new SmtpDispatcherOptions
    {
        Host = server.Host,
        Port = server.Port,
        Security = SecureSocketOptions.None,
        MaxConnections = maxConnections,
        UserName = userName,
        Password = password,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        CommandTimeout = TimeSpan.FromSeconds(10),
    });

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static EmailMessage Email(int i, string? to = null) => new()
    {
        SendKey = $"cart_abandonment:user-{i}:1",
        MessageId = $"cart_abandonment.user-{i}.1@shop.example",
        Trigger = "cart_abandonment",
        UserId = $"user-{i}",
        From = "Shop <news@shop.example>",
        To = to ?? $"user-{i}@example.com",
        Subject = $"You left something in your cart, user {i}",
        HtmlBody = $"<p>Hello user {i}</p>",
        TextBody = $"Hello user {i}",
        UnsubscribeUrl = $"https://shop.example/unsubscribe?u=user-{i}&t=token-{i}",
        Headers =
        [
            new("List-Unsubscribe", $"<https://shop.example/unsubscribe?u=user-{i}&t=token-{i}>"),
            new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            new("X-Personalization-Trigger", "cart_abandonment"),
            new("X-Personalization-Send-Key", $"cart_abandonment:user-{i}:1"),
        ],
    };
}
