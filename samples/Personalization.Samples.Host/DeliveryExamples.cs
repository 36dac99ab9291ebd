using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalization.Delivery;
using Personalization.Triggers;

namespace Personalization.Samples.Host;

/// <summary>Wiring each email dispatcher in <c>Program.cs</c>, exactly as docs/delivery.md shows it (compiled with the sample).</summary>
internal static class DeliveryExamples
{
    private const string CartHtml = """
        <p>Hi {{ profile.first_name | default: 'there' }}, you left these behind:</p>
        <ul>{% for item in profile.cart %}<li>{{ item.name }} x{{ item.quantity }}: {{ item.line_total | money }}</li>{% endfor %}</ul>
        <p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
        """;

    // A pickup folder: one .eml file per email (development, samples, or a mail server that picks files up).
    public static void PickupFolder(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .AddTrigger(Trigger.CartAbandonment(after: TimeSpan.FromHours(1)))
            .AddTemplate("cart_abandonment", subject: "{{ profile.first_name }}, your cart is waiting", html: CartHtml)
            .ConfigureDelivery(o =>
            {
                o.From = "Shop <news@shop.example>";
                o.UnsubscribeUrl = "https://shop.example/unsubscribe?u={user_id}&t={token}";
                o.UnsubscribeSigningKey = builder.Configuration["Email:UnsubscribeKey"];
            })
            .UsePickupDirectory("data/outbox"));

    // SMTP with MailKit: STARTTLS, authentication, up to 8 pooled connections, retries with back-off.
    public static void Smtp(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .AddTrigger(Trigger.CartAbandonment())
            .AddTemplate(EmailTemplate.FromDirectory("cart_abandonment", "templates"))
            .ConfigureDelivery(o =>
            {
                o.From = "Shop <news@shop.example>";
                o.UnsubscribeUrl = "https://shop.example/unsubscribe?u={user_id}&t={token}";
                o.UnsubscribeSigningKey = builder.Configuration["Email:UnsubscribeKey"];
                o.MaxConcurrency = 8;
                o.Retry.MaxAttempts = 6;
                o.Retry.BaseDelay = TimeSpan.FromSeconds(2);
            })
            .UseSmtp(smtp =>
            {
                smtp.Host = "smtp.shop.example";
                smtp.Port = 587;
                smtp.Security = SecureSocketOptions.StartTls;
                smtp.UserName = builder.Configuration["Email:SmtpUser"];
                smtp.Password = builder.Configuration["Email:SmtpPassword"];
                smtp.MaxConnections = 8;
            }));

    // An HTTP email API: one JSON POST per email, with the API key and the send key as the idempotency key.
    public static void HttpApi(HostApplicationBuilder builder) =>
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .AddTrigger(Trigger.CartAbandonment())
            .AddTemplate(EmailTemplate.FromEmbeddedResources("cart_abandonment", typeof(DeliveryExamples).Assembly, "Templates"))
            .ConfigureDelivery(o =>
            {
                o.From = "Shop <news@shop.example>";
                o.UnsubscribeUrl = "https://shop.example/unsubscribe?u={user_id}&t={token}";
                o.UnsubscribeSigningKey = builder.Configuration["Email:UnsubscribeKey"];
            })
            .UseHttpEmailApi(http =>
            {
                http.Endpoint = new Uri("https://api.mail.example/v3/send");
                http.ApiKey = builder.Configuration["Email:ApiKey"];
                http.IdempotencyKeyHeader = "Idempotency-Key";
                http.BodyMapper = message => new System.Text.Json.Nodes.JsonObject
                {
                    ["from"] = message.From,
                    ["to"] = new System.Text.Json.Nodes.JsonArray(message.To),
                    ["subject"] = message.Subject,
                    ["html"] = message.HtmlBody,
                    ["text"] = message.TextBody,
                    ["custom_id"] = message.SendKey,
                };
            }));
}
