using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Personalization.Delivery.Dispatch;

/// <summary>
/// Sends emails through an SMTP server with MailKit, over a small pool of connections that stay open and are
/// reused for many emails. Named <c>smtp</c> in metrics and logs.
/// </summary>
/// <remarks>
/// <para>At most <see cref="SmtpDispatcherOptions.MaxConnections"/> emails are in flight at once, each on its own
/// connection; further sends wait for a free connection. A connection is put back after a send the server accepted
/// or refused with a reply code (MailKit resets the transaction), and replaced after a network, protocol or timeout
/// failure. When a pooled connection turns out to have been closed by the server while idle, the send is tried once
/// more on a fresh connection before it fails.</para>
/// <para>Failures are <see cref="EmailDispatchException"/>s naming the server and its reply: a <c>5xx</c> reply,
/// refused credentials and a server that requires authentication are permanent; a <c>4xx</c> reply, a connection
/// that cannot be opened or breaks, and a timeout are transient.</para>
/// </remarks>
public sealed partial class SmtpEmailDispatcher : IEmailDispatcher, IAsyncDisposable
{
    // How long closing a connection with QUIT may take on dispose before the socket is just closed.
    private static readonly TimeSpan s_quitTimeout = TimeSpan.FromSeconds(5);

    private readonly string _host;
    private readonly int _port;
    private readonly string _endpoint;
    private readonly SecureSocketOptions _security;
    private readonly string? _userName;
    private readonly string? _password;
    private readonly TimeSpan _connectTimeout;
    private readonly int _commandTimeoutMs;
    private readonly bool _checkCertificateRevocation;
    private readonly System.Net.Security.RemoteCertificateValidationCallback? _certificateValidation;
    private readonly string? _localDomain;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _slots;

    // Last in, first out: the most recently used connection is the least likely to have been closed while idle.
    private readonly ConcurrentStack<SmtpClient> _idle = new();
    private int _disposed;

    /// <summary>Creates a dispatcher for the server in <paramref name="options"/>. Connections are opened on the
    /// first sends, not here.</summary>
    /// <param name="options">The server and how to connect; read once, later changes have no effect.</param>
    /// <param name="timeProvider">The clock for the <c>Date</c> header and the connect timeout; the system clock
    /// when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A setting is bad; the message lists each one with its value.</exception>
    public SmtpEmailDispatcher(SmtpDispatcherOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Bad SMTP dispatcher options: {string.Join(" ", errors)}", nameof(options));
        }

        _host = options.Host!;
        _port = options.Port;
        _endpoint = $"{_host}:{_port}";
        _security = options.Security;
        _userName = string.IsNullOrEmpty(options.UserName) ? null : options.UserName;
        _password = options.Password;
        _connectTimeout = options.ConnectTimeout;
        _commandTimeoutMs = (int)options.CommandTimeout.TotalMilliseconds;
        _checkCertificateRevocation = options.CheckCertificateRevocation;
        _certificateValidation = options.ServerCertificateValidationCallback;
        _localDomain = options.LocalDomain;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    /// <inheritdoc />
    public string Name => "smtp";

    /// <inheritdoc />
    /// <exception cref="EmailDispatchException">The server refused the email or could not be reached; see
    /// <see cref="EmailDispatchException.Permanent"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task DispatchAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var mime = MimeMessages.Create(message, _timeProvider.GetUtcNow());
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendAsync(mime, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Closes the idle connections (with <c>QUIT</c>). Sends still in flight finish; their connections
    /// are closed when they do.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await CloseIdleAsync().ConfigureAwait(false);
    }

    private async Task SendAsync(MimeMessage mime, CancellationToken cancellationToken)
    {
        var pooled = _idle.TryPop(out var client);
        var reusable = false;
        try
        {
            try
            {
                client ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
                await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (pooled && IsConnectionLost(error) && !cancellationToken.IsCancellationRequested)
            {
                // Almost always the server closed this connection while it sat in the pool (idle timeout, restart),
                // before it took the email: send once more on a fresh connection instead of failing the attempt. If
                // the connection broke after the server took the email, it is sent twice, with the same Message-ID,
                // as any retry of an SMTP send can do.
                client?.Dispose();
                client = null;
                client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
            }

            reusable = true;
        }
        catch (SmtpCommandException error)
        {
            // A reply code: MailKit has reset the transaction and the connection is still good.
            reusable = true;
            throw Translate(error);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Translate(error);
        }
        finally
        {
            if (client is not null)
            {
                await ReturnAsync(client, reusable && client.IsConnected).ConfigureAwait(false);
            }
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient
        {
            Timeout = _commandTimeoutMs,
            CheckCertificateRevocation = _checkCertificateRevocation,
            ServerCertificateValidationCallback = _certificateValidation,
        };
        if (_localDomain is not null)
        {
            client.LocalDomain = _localDomain;
        }

        using var timeout = new CancellationTokenSource(_connectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await client.ConnectAsync(_host, _port, _security, linked.Token).ConfigureAwait(false);
            if (_userName is not null)
            {
                if (!client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
                {
                    throw new EmailDispatchException(
                        $"SMTP server {_endpoint} does not offer authentication (AUTH), but UserName '{_userName}' is configured.",
                        permanent: true);
                }

                await client.AuthenticateAsync(_userName, _password ?? string.Empty, linked.Token).ConfigureAwait(false);
            }

            return client;
        }
        catch (OperationCanceledException error) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new EmailDispatchException(
                $"Connecting to SMTP server {_endpoint} took longer than the connect timeout of {_connectTimeout}.",
                permanent: false, innerException: error);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async ValueTask ReturnAsync(SmtpClient client, bool reusable)
    {
        if (!reusable || Volatile.Read(ref _disposed) != 0)
        {
            await CloseAsync(client, quit: reusable).ConfigureAwait(false);
            return;
        }

        _idle.Push(client);

        // Disposal may have drained the pool between the check and the push: drain again so nothing stays open.
        if (Volatile.Read(ref _disposed) != 0)
        {
            await CloseIdleAsync().ConfigureAwait(false);
        }
    }

    private async Task CloseIdleAsync()
    {
        while (_idle.TryPop(out var client))
        {
            await CloseAsync(client, quit: true).ConfigureAwait(false);
        }
    }

    private async ValueTask CloseAsync(SmtpClient client, bool quit)
    {
        try
        {
            if (quit && client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(s_quitTimeout, _timeProvider);
                await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (IsConnectionLost(error) || error is OperationCanceledException or SmtpCommandException)
        {
            // Closing is best effort: the server may already be gone; the socket is closed below either way.
        }
        finally
        {
            client.Dispose();
        }
    }
}
