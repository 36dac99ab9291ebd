using MimeKit;

namespace Personalization.Delivery.Dispatch;

/// <summary>Turns an <see cref="EmailMessage"/> into the MIME message every dispatcher writes or sends.</summary>
internal static class MimeMessages
{
    /// <summary>
    /// Builds the MIME message: <c>From</c>, <c>To</c>, <c>Subject</c>, <c>Date</c>, <c>Message-ID</c>, the body
    /// (<c>multipart/alternative</c> when there are both a text and an HTML part) and every extra header in order.
    /// </summary>
    /// <param name="message">The email.</param>
    /// <param name="date">The <c>Date</c> header: the dispatch time, from the dispatcher's clock.</param>
    /// <exception cref="EmailDispatchException">A permanent failure: an address, the message id or a header cannot
    /// be written into an email, so no attempt can succeed.</exception>
    public static MimeMessage Create(EmailMessage message, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(message);
        var from = ParseMailbox(message, "From", message.From);
        var to = ParseMailbox(message, "To", message.To);
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        if (body.TextBody is null && body.HtmlBody is null)
        {
            // An empty text part rather than no body: MimeKit needs one and the platform decides what to do with it.
            body.TextBody = string.Empty;
        }

        var mime = new MimeMessage();
        mime.From.Add(from);
        mime.To.Add(to);
        mime.Subject = message.Subject;
        mime.Date = date;
        try
        {
            mime.MessageId = message.MessageId;
        }
        catch (ArgumentException error)
        {
            throw Permanent(message, $"its Message-ID '{message.MessageId}' is not a valid message id", error);
        }

        mime.Body = body.ToMessageBody();
        foreach (var header in message.Headers)
        {
            try
            {
                mime.Headers.Add(header.Key, header.Value);
            }
            catch (ArgumentException error)
            {
                throw Permanent(message, $"its header '{header.Key}' cannot be written", error);
            }
        }

        return mime;
    }

    private static MailboxAddress ParseMailbox(EmailMessage message, string field, string? text)
    {
        // TryParse accepts "Name <addr>" and bare addresses; an address without a domain cannot be delivered, so
        // it is refused here rather than by the platform.
        if (string.IsNullOrWhiteSpace(text)
            || !MailboxAddress.TryParse(ParserOptions.Default, text, out var mailbox)
            || mailbox.Domain.Length == 0
            || mailbox.LocalPart.Length == 0)
        {
            throw Permanent(message, $"its {field} address '{text}' is not a valid email address", null);
        }

        return mailbox;
    }

    private static EmailDispatchException Permanent(EmailMessage message, string what, Exception? inner) =>
        new($"Email '{message.MessageId}' (send key '{message.SendKey}') cannot be sent: {what}.", permanent: true, innerException: inner);
}
