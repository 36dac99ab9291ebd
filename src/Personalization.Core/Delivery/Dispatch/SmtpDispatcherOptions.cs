using System.Net.Security;
using MailKit.Security;

namespace Personalization.Delivery.Dispatch;

/// <summary>The SMTP server <see cref="SmtpEmailDispatcher"/> sends through, and how it connects.</summary>
public sealed class SmtpDispatcherOptions
{
    /// <summary>The SMTP server's host name or IP address.</summary>
    /// <value>The default is <see langword="null"/>; it must be set.</value>
    public string? Host { get; set; }

    /// <summary>The SMTP server's port: 25 (relay), 587 (submission with STARTTLS) or 465 (TLS on connect).</summary>
    /// <value>The default is 25. Must be between 1 and 65535.</value>
    public int Port { get; set; } = 25;

    /// <summary>Whether and how the connection is encrypted.</summary>
    /// <value>
    /// The default is <see cref="SecureSocketOptions.StartTls"/>: TLS is required, and a server that does not offer
    /// STARTTLS (or one whose offer an attacker strips) fails the connection instead of receiving emails and
    /// passwords in clear text. Use <see cref="SecureSocketOptions.SslOnConnect"/> for port 465, and
    /// <see cref="SecureSocketOptions.None"/> only for a relay on loopback or a trusted network.
    /// </value>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>The user name to authenticate with; no authentication when not set.</summary>
    /// <value>The default is <see langword="null"/>. <see cref="Password"/> must be set with it.</value>
    public string? UserName { get; set; }

    /// <summary>The password of <see cref="UserName"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Password { get; set; }

    /// <summary>
    /// The most connections open at once, which is also the most emails in flight at once. Connections are kept
    /// open and reused for many emails; one is replaced when the server closes it or a send fails below the SMTP
    /// level (network, protocol, timeout).
    /// </summary>
    /// <value>The default is 4. Must be between 1 and 100.</value>
    public int MaxConnections { get; set; } = 4;

    /// <summary>How long opening a connection may take: TCP connect, greeting, TLS handshake, <c>EHLO</c> and
    /// authentication. A connection that takes longer is a transient failure.</summary>
    /// <value>The default is 30 seconds. Must be between 100 milliseconds and 10 minutes.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one network read or write may stall before the connection is dropped (MailKit's
    /// <c>SmtpClient.Timeout</c>). Delivery's per-attempt timeout also bounds a whole send.</summary>
    /// <value>The default is 2 minutes (MailKit's default). Must be between 100 milliseconds and 1 hour.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether the server certificate's revocation status is checked during the TLS handshake.</summary>
    /// <value>The default is <see langword="true"/>. Turn it off only when the revocation lists cannot be reached.</value>
    public bool CheckCertificateRevocation { get; set; } = true;

    /// <summary>Decides whether the server's certificate is trusted, instead of the system's validation; for a
    /// server with a private or self-signed certificate.</summary>
    /// <value>The default is <see langword="null"/>: the system validates the certificate.</value>
    public RemoteCertificateValidationCallback? ServerCertificateValidationCallback { get; set; }

    /// <summary>The name the dispatcher gives in <c>EHLO</c>.</summary>
    /// <value>The default is <see langword="null"/>: MailKit's choice (the machine's host name).</value>
    public string? LocalDomain { get; set; }

    /// <summary>Every bad setting with its value; empty when the options are usable.</summary>
    internal List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add($"Host must be a host name or an IP address; it is '{Host}'.");
        }

        if (Port is < 1 or > 65535)
        {
            errors.Add($"Port must be between 1 and 65535; it is {Port}.");
        }

        if (!Enum.IsDefined(Security))
        {
            errors.Add($"Security must be one of {string.Join(", ", Enum.GetNames<SecureSocketOptions>())}; it is {(int)Security}.");
        }

        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            errors.Add(string.IsNullOrEmpty(UserName)
                ? "UserName must be set when Password is set; it is not."
                : $"Password must be set when UserName is set; UserName is '{UserName}' and Password is not set.");
        }

        if (MaxConnections is < 1 or > 100)
        {
            errors.Add($"MaxConnections must be between 1 and 100; it is {MaxConnections}.");
        }

        Range(errors, nameof(ConnectTimeout), ConnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Range(errors, nameof(CommandTimeout), CommandTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        return errors;
    }

    private static void Range(List<string> errors, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} must be between {min} and {max}; it is {value}.");
        }
    }
}
