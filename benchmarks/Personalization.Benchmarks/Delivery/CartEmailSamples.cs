using Personalization.Delivery;
using Personalization.Profiles;
using Personalization.Triggers;

namespace Personalization.Benchmarks.Delivery;

/// <summary>A cart-abandonment email and the profile it goes to: three cart lines, a first name, a German locale.</summary>
internal static class CartEmailSamples
{
    public const string Subject = "{{ profile.first_name }}, you left {{ profile.cart_quantity }} items in your cart";

    public const string Html = """
        <html><body>
        <h1>Hi {{ profile.first_name }},</h1>
        <p>You left these in your cart:</p>
        <table>
        {% for item in profile.cart %}<tr><td>{{ item.name }}</td><td>{{ item.quantity }}</td><td>{{ item.price | money }}</td><td>{{ item.line_total | money }}</td></tr>
        {% endfor %}</table>
        <p>Total: {{ profile.cart_value | money }}</p>
        <p><a href="https://shop.example/cart">Back to your cart</a></p>
        <p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
        </body></html>
        """;

    public const string Text = """
        Hi {{ profile.first_name }},

        You left these in your cart:
        {% for item in profile.cart %}- {{ item.name }} x{{ item.quantity }}: {{ item.line_total | money }}
        {% endfor %}
        Total: {{ profile.cart_value | money }}

        Unsubscribe: {{ unsubscribe_url }}
        """;

    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static EmailTemplate Template() => new("cart", Subject, Html, Text);

    public static EmailModel Model()
    {
        var profile = new CustomerProfile
        {
            UserId = "user-0000042",
            Traits = new(StringComparer.Ordinal)
            {
                ["email"] = "jurgen@example.com",
                ["first_name"] = "Jürgen <Jay>",
                ["locale"] = "de-DE",
                ["currency"] = "EUR",
                ["timezone"] = "Europe/Berlin",
            },
            Cart =
            [
                new CartItem { ProductId = "507f1f77bcf86cd799439011", Name = "Monopoly: 3rd Edition", Price = 18.99m, Quantity = 1 },
                new CartItem { ProductId = "505bd76785ebb509fc183733", Name = "Uno Card Game", Price = 7.49m, Quantity = 2 },
                new CartItem { ProductId = "5098ca8b2fa2cc5e4f0ec9c2", Name = "Wooden Chess Set & Board", Price = 34.00m, Quantity = 1 },
            ],
        };
        var intent = new SendIntent("cart_abandonment:user-0000042:1", "cart_abandonment", profile.UserId, profile.UserId,
            Now.AddHours(-1), Now, "cart", ["entered", "fired"]);
        return new EmailModel(profile, intent, "jurgen@example.com",
            "https://shop.example/unsubscribe?u=user-0000042&t=0123456789abcdef", Now);
    }
}
