using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Personalization.Delivery;
using Personalization.Delivery.Templates;

namespace Personalization.Benchmarks.Delivery;

/// <summary>The cart email of <see cref="CartEmailSamples"/> written by hand with a <see cref="StringBuilder"/>: what a
/// developer would write without templates. It produces the same three parts, character for character.</summary>
internal static class HandWrittenCartEmail
{
    public static RenderedEmail Render(EmailModel model, StringBuilder builder)
    {
        var profile = model.Profile;
        var culture = CultureInfo.GetCultureInfo((string)profile.Traits["locale"]!);
        var currency = (string)profile.Traits["currency"]!;
        var firstName = (string)profile.Traits["first_name"]!;
        var html = HtmlEncoder.Default;

        var subject = string.Create(culture, $"{firstName}, you left {profile.CartQuantity} items in your cart");

        builder.Clear();
        builder.Append("<html><body>\n<h1>Hi ").Append(html.Encode(firstName)).Append(",</h1>\n<p>You left these in your cart:</p>\n<table>\n");
        foreach (var item in profile.Cart)
        {
            builder.Append("<tr><td>").Append(html.Encode(item.Name!)).Append("</td><td>").Append(item.Quantity)
                .Append("</td><td>").Append(html.Encode(CurrencyFormats.Format(item.Price!.Value, currency, culture)))
                .Append("</td><td>").Append(html.Encode(CurrencyFormats.Format(item.Price.Value * item.Quantity, currency, culture)))
                .Append("</td></tr>\n");
        }

        builder.Append("</table>\n<p>Total: ").Append(html.Encode(CurrencyFormats.Format(profile.CartValue, currency, culture)))
            .Append("</p>\n<p><a href=\"https://shop.example/cart\">Back to your cart</a></p>\n<p><a href=\"")
            .Append(html.Encode(model.UnsubscribeUrl)).Append("\">Unsubscribe</a></p>\n</body></html>");
        var htmlPart = builder.ToString();

        builder.Clear();
        builder.Append("Hi ").Append(firstName).Append(",\n\nYou left these in your cart:\n");
        foreach (var item in profile.Cart)
        {
            builder.Append("- ").Append(item.Name).Append(" x").Append(item.Quantity).Append(": ")
                .Append(CurrencyFormats.Format(item.Price!.Value * item.Quantity, currency, culture)).Append('\n');
        }

        builder.Append("\nTotal: ").Append(CurrencyFormats.Format(profile.CartValue, currency, culture))
            .Append("\n\nUnsubscribe: ").Append(model.UnsubscribeUrl);
        return new RenderedEmail(subject, htmlPart, builder.ToString());
    }
}
