using Personalization.Delivery;
using Personalization.Delivery.Dispatch;

namespace Personalization.Hosting;

public sealed partial class PersonalizationBuilder
{
    /// <summary>Adds an email template that triggers can send (<c>SendTemplate("cart")</c>).</summary>
    public PersonalizationBuilder AddTemplate(EmailTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Configure(o => o.Delivery.Templates.Add(template));
    }

    /// <summary>Adds an email template from Liquid strings: a subject and an HTML and/or a text part.</summary>
    public PersonalizationBuilder AddTemplate(string name, string subject, string? html, string? text = null) =>
        AddTemplate(new EmailTemplate(name, subject, html, text));

    /// <summary>Changes any delivery setting: sender, unsubscribe link, concurrency, retries, template limits.</summary>
    public PersonalizationBuilder ConfigureDelivery(Action<DeliveryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.Delivery));
    }

    /// <summary>Delivers through <paramref name="dispatcher"/>. The pipeline disposes it when it is disposed.</summary>
    public PersonalizationBuilder UseEmailDispatcher(IEmailDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        return Configure(o => o.Delivery.Dispatcher = dispatcher);
    }

    /// <summary>Writes every email as an <c>.eml</c> file into <paramref name="directory"/> (for development, samples
    /// and mail servers that pick files up).</summary>
    public PersonalizationBuilder UsePickupDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return Configure(o => o.Delivery.Dispatcher = new PickupDirectoryDispatcher(new PickupDirectoryOptions { Directory = directory }));
    }

    /// <summary>Sends through an SMTP server with MailKit: TLS, authentication, pooled connections.</summary>
    public PersonalizationBuilder UseSmtp(Action<SmtpDispatcherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o =>
        {
            var smtp = new SmtpDispatcherOptions();
            configure(smtp);
            o.Delivery.Dispatcher = new SmtpEmailDispatcher(smtp);
        });
    }

    /// <summary>Sends through an HTTP email API: a JSON POST per email, with an API key and an idempotency key.</summary>
    public PersonalizationBuilder UseHttpEmailApi(Action<HttpEmailApiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o =>
        {
            var http = new HttpEmailApiOptions();
            configure(http);
            o.Delivery.Dispatcher = new HttpEmailDispatcher(http);
        });
    }
}
