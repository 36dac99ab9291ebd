using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Personalization.IntegrationTests.Support;

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1 and a free port, for tests that send real emails.
/// It keeps every email it accepts, parsed with MimeKit, and can refuse emails: the first N delivery attempts of
/// each distinct <c>Message-ID</c> with <c>451</c> (a transient refusal), or every email with <c>554</c> (a
/// permanent one).
/// </summary>
/// <remarks>
/// Refusals happen at the end of <c>DATA</c>, after the whole email was received, which is where a real server
/// refuses for content or load. Emails without a <c>Message-ID</c> share one refusal counter. Start one per test and
/// dispose it; disposing cancels the sessions still open (pooled client connections) and stops listening.
/// </remarks>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    /// <summary>The reply to an attempt refused as transient.</summary>
    public static readonly SmtpResponse TransientRefusal = new((SmtpReplyCode)451, "4.3.0 Try again later (test server)");

    /// <summary>The reply to an email refused as permanent.</summary>
    public static readonly SmtpResponse PermanentRefusal = new((SmtpReplyCode)554, "5.7.1 Message rejected (test server)");

    private readonly SmtpServer.SmtpServer _server;
    private readonly RecordingMessageStore _store;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private int _sessions;
    private int _disposed;

    private LoopbackSmtpServer(int refuseFirstAttemptsPerMessage, bool refuseAllPermanently, int port,
        (string UserName, string Password)? credentials, NoDelayListenerFactory listeners)
    {
        _store = new RecordingMessageStore(refuseFirstAttemptsPerMessage, refuseAllPermanently);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(builder => builder
                .Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                .IsSecure(false)
                .AuthenticationRequired(credentials is not null)
                .AllowUnsecureAuthentication(credentials is not null))
            .Build();
        var services = new ServiceProvider();
        services.Add(_store);
        services.Add(listeners);
        if (credentials is { } expected)
        {
            services.Add(new DelegatingUserAuthenticator((_, user, password) =>
                string.Equals(user, expected.UserName, StringComparison.Ordinal) && string.Equals(password, expected.Password, StringComparison.Ordinal)));
        }

        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessions);
    }

    /// <summary>The host to connect to: <c>127.0.0.1</c>.</summary>
    public string Host => IPAddress.Loopback.ToString();

    /// <summary>The port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Every email the server accepted, in the order it accepted them; refused attempts are not here.</summary>
    public IReadOnlyList<MimeMessage> Received => _store.Received;

    /// <summary>How many emails reached the end of <c>DATA</c>, accepted or refused.</summary>
    public int Attempts => _store.Attempts;

    /// <summary>How many SMTP sessions (client connections) the server has had.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>Starts a server and returns once it listens.</summary>
    /// <param name="refuseFirstAttemptsPerMessage">How many attempts of each distinct <c>Message-ID</c> are refused
    /// with <c>451</c> before the next one is accepted; 0 accepts every email at once.</param>
    /// <param name="refuseAllPermanently">Whether every email is refused with <c>554</c>.</param>
    /// <param name="port">The port to listen on; 0 lets the operating system choose a free one. Pass the
    /// <see cref="Port"/> of a disposed server to simulate a restart.</param>
    /// <param name="credentials">When set, the server offers <c>AUTH</c> (over plain text: it is loopback), accepts
    /// only these credentials and refuses <c>MAIL</c> from unauthenticated sessions with <c>530</c>.</param>
    public static async Task<LoopbackSmtpServer> StartAsync(int refuseFirstAttemptsPerMessage = 0, bool refuseAllPermanently = false,
        int port = 0, (string UserName, string Password)? credentials = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(refuseFirstAttemptsPerMessage);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var listeners = new NoDelayListenerFactory();
        var listening = listeners.Listening;
        var server = new LoopbackSmtpServer(refuseFirstAttemptsPerMessage, refuseAllPermanently, port, credentials, listeners);
        server._running = server._server.StartAsync(server._stop.Token);

        // A failed start (the listener cannot bind) faults the run task instead of raising EndpointStarted.
        var first = await Task.WhenAny(listening.Task, server._running, Task.Delay(TimeSpan.FromSeconds(10)));
        if (first != listening.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("The loopback SMTP server did not start listening.", server._running.Exception);
        }

        server.Port = await listening.Task;
        return server;
    }

    /// <summary>The accepted emails with <paramref name="messageId"/> (without angle brackets).</summary>
    public IReadOnlyList<MimeMessage> ReceivedWithMessageId(string messageId) =>
        Received.Where(m => m.MessageId == messageId).ToList();

    /// <summary>Stops listening and cancels the open sessions.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // The expected end of a cancelled run.
        }

        _stop.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"smtp://{Host}:{Port}";

    /// <summary>
    /// Listens like SmtpServer's own listener, with Nagle's algorithm off on every accepted connection. SmtpServer
    /// writes pipelined replies one by one; with Nagle on, each email waits about 40 ms for the client's delayed
    /// ACK, which would make every test that sends many emails slow for nothing.
    /// </summary>
    private sealed class NoDelayListenerFactory : IEndpointListenerFactory
    {
        /// <summary>Completes with the port once the listener is bound.</summary>
        public TaskCompletionSource<int> Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start();
            Listening.TrySetResult(((IPEndPoint)listener.LocalEndpoint).Port);
            return new NoDelayListener(listener);
        }
    }

    private sealed class NoDelayListener(TcpListener listener) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            client.NoDelay = true;
            context.Properties.Add(EndpointListener.LocalEndPointKey, client.Client.LocalEndPoint);
            context.Properties.Add(EndpointListener.RemoteEndPointKey, client.Client.RemoteEndPoint);
            return new PlainDuplexPipe(client);
        }

        public void Dispose() => listener.Stop();
    }

    /// <summary>A connection without TLS (the test server offers no STARTTLS).</summary>
    private sealed class PlainDuplexPipe(TcpClient client) : ISecurableDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(client.GetStream(), new StreamPipeReaderOptions(leaveOpen: true));

        public PipeWriter Output { get; } = PipeWriter.Create(client.GetStream(), new StreamPipeWriterOptions(leaveOpen: true));

        public bool IsSecure => false;

        public SslProtocols SslProtocol => SslProtocols.None;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The loopback SMTP server does not offer TLS.");

        public void Dispose() => client.Dispose();
    }

    /// <summary>Keeps accepted emails and decides which attempts to refuse.</summary>
    private sealed class RecordingMessageStore(int refuseFirstAttemptsPerMessage, bool refuseAllPermanently) : MessageStore
    {
        private readonly ConcurrentDictionary<string, int> _attemptsById = new(StringComparer.Ordinal);
        private readonly List<MimeMessage> _received = [];
        private int _attempts;

        public IReadOnlyList<MimeMessage> Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToList();
                }
            }
        }

        public int Attempts => Volatile.Read(ref _attempts);

        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            MimeMessage message;
            using (var stream = new MemoryStream(buffer.ToArray(), writable: false))
            {
                message = MimeMessage.Load(stream, cancellationToken);
            }

            if (refuseAllPermanently)
            {
                message.Dispose();
                return Task.FromResult(PermanentRefusal);
            }

            var attempt = _attemptsById.AddOrUpdate(message.MessageId ?? string.Empty, 1, (_, n) => n + 1);
            if (attempt <= refuseFirstAttemptsPerMessage)
            {
                message.Dispose();
                return Task.FromResult(TransientRefusal);
            }

            lock (_received)
            {
                _received.Add(message);
            }

            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
