using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Personalization.Delivery.Dispatch;

public sealed partial class SmtpEmailDispatcher
{
    /// <summary>Whether <paramref name="error"/> means the connection is gone (rather than a refusal).</summary>
    private static bool IsConnectionLost(Exception error) =>
        error is ServiceNotConnectedException or IOException or SocketException or ProtocolException;

    /// <summary>The <see cref="EmailDispatchException"/> for a failed connect or send: permanent when no later
    /// attempt can succeed, with the server, its reply code and text, and the original as inner exception.</summary>
    private EmailDispatchException Translate(Exception error) => error switch
    {
        EmailDispatchException dispatch => dispatch,
        SmtpCommandException command => new EmailDispatchException(
            $"SMTP server {_endpoint} refused {Subject(command)} with {(int)command.StatusCode} {command.StatusCode}: {command.Message}",
            permanent: (int)command.StatusCode is >= 500 and <= 599,
            innerException: command),
        AuthenticationException auth => new EmailDispatchException(
            $"SMTP server {_endpoint} refused the credentials of user '{_userName}': {auth.Message}",
            permanent: true, innerException: auth),
        ServiceNotAuthenticatedException notAuthenticated => new EmailDispatchException(
            $"SMTP server {_endpoint} requires authentication and no UserName is configured: {notAuthenticated.Message}",
            permanent: true, innerException: notAuthenticated),
        NotSupportedException unsupported => new EmailDispatchException(
            $"SMTP server {_endpoint} lacks a feature the email needs: {unsupported.Message}",
            permanent: true, innerException: unsupported),
        SslHandshakeException tls => new EmailDispatchException(
            $"The TLS handshake with SMTP server {_endpoint} failed: {tls.Message}", permanent: false, innerException: tls),
        SmtpProtocolException protocol => new EmailDispatchException(
            $"The connection to SMTP server {_endpoint} broke: {protocol.Message}", permanent: false, innerException: protocol),
        SocketException socket => new EmailDispatchException(
            $"Cannot connect to SMTP server {_endpoint}: {socket.SocketErrorCode}: {socket.Message}", permanent: false, innerException: socket),
        OperationCanceledException timeout => new EmailDispatchException(
            $"A command to SMTP server {_endpoint} timed out: {timeout.Message}", permanent: false, innerException: timeout),
        _ when IsConnectionLost(error) => new EmailDispatchException(
            $"The connection to SMTP server {_endpoint} failed: {error.Message}", permanent: false, innerException: error),
        _ => new EmailDispatchException(
            $"Sending through SMTP server {_endpoint} failed: {error.GetType().Name}: {error.Message}", permanent: false, innerException: error),
    };

    private static string Subject(SmtpCommandException command) => command.ErrorCode switch
    {
        SmtpErrorCode.SenderNotAccepted => $"the sender <{command.Mailbox?.Address}>",
        SmtpErrorCode.RecipientNotAccepted => $"the recipient <{command.Mailbox?.Address}>",
        SmtpErrorCode.MessageNotAccepted => "the email",
        _ => "a command",
    };
}
