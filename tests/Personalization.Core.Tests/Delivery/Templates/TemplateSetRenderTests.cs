using System.Globalization;
using Personalization.Delivery;
using Personalization.Profiles;
using static Personalization.Tests.Delivery.Templates.TemplateModels;

namespace Personalization.Tests.Delivery.Templates;

public class TemplateSetRenderTests
{
    private static readonly CartItem[] s_cart =
    [
        new CartItem { ProductId = "p1", Name = "Espresso Cups", Price = 12.50m, Quantity = 2, Brand = "Acme" },
        new CartItem { ProductId = "p2", Name = "Milk Jug", Price = 1234.5m, Quantity = 1 },
    ];

    [Test]
    public async Task A_script_in_a_profile_value_is_escaped_in_html_and_kept_in_text()
    {
        var set = Compile(new EmailTemplate("cart", "Hi {{ profile.first_name }}",
            "<p>Hi {{ profile.first_name }}</p><a href=\"{{ unsubscribe_url }}\">x</a>", "Hi {{ profile.first_name }}"));
        var profile = Profile(new(StringComparer.Ordinal) { ["first_name"] = "<script>alert(1)</script>" });

        var email = await RenderAsync(set, profile);

        Assert.Multiple(() =>
        {
            Assert.That(email.Html, Does.StartWith("<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p>"));
            Assert.That(email.Html, Does.Not.Contain("<script>"));
            Assert.That(email.Text, Is.EqualTo("Hi <script>alert(1)</script>"));
            Assert.That(email.Subject, Is.EqualTo("Hi <script>alert(1)</script>"));
        });
    }

    [Test]
    public async Task The_raw_filter_opts_out_of_escaping()
    {
        var set = Compile(Html("{{ profile.traits.banner | raw }}{{ unsubscribe_url }}"));
        var profile = Profile(new(StringComparer.Ordinal) { ["banner"] = "<b>VIP</b>" });

        var email = await RenderAsync(set, profile);

        Assert.That(email.Html, Does.StartWith("<b>VIP</b>"));
    }

    [Test]
    public async Task Cart_items_render_with_names_prices_and_quantities()
    {
        var set = Compile(new EmailTemplate("cart", "{{ profile.cart_quantity }} items", "{{ unsubscribe_url }}",
            "{% for item in profile.cart %}{{ item.name }} x{{ item.quantity }} {{ item.price | money }} = {{ item.line_total | money }}\n{% endfor %}Total {{ profile.cart_value | money }}"));

        var email = await RenderAsync(set, Profile(null, s_cart));

        Assert.That(email.Subject, Is.EqualTo("3 items"));
        Assert.That(email.Text, Is.EqualTo("Espresso Cups x2 $12.50 = $25.00\nMilk Jug x1 $1,234.50 = $1,234.50\nTotal $1,259.50"));
    }

    [Test]
    public async Task Money_follows_the_profile_culture_and_currency()
    {
        var set = Compile(new EmailTemplate("cart", "Hi", "{{ unsubscribe_url }}",
            "{{ profile.cart.first.price | money }}|{{ profile.cart.first.price | money: 'GBP' }}"));
        var german = Profile(new(StringComparer.Ordinal) { ["locale"] = "de_DE", ["currency"] = "EUR" }, s_cart);
        var american = Profile(new(StringComparer.Ordinal) { ["locale"] = "en-US" }, s_cart);

        var de = await RenderAsync(set, german);
        var us = await RenderAsync(set, american);

        Assert.That(de.Text!.Replace('\u00A0', ' '), Is.EqualTo("12,50 €|12,50 £"));
        Assert.That(us.Text, Is.EqualTo("$12.50|£12.50"));
    }

    [Test]
    public async Task Money_writes_unknown_symbols_as_the_code_and_follows_the_currency_decimals()
    {
        var set = Compile(new EmailTemplate("cart", "Hi", "{{ unsubscribe_url }}",
            "{{ 1234.5 | money: 'CHF' }}|{{ 1234.5 | money: 'JPY' }}|{{ 5 | money: 'not-a-code' }}"));

        var email = await RenderAsync(set, Profile(new(StringComparer.Ordinal) { ["locale"] = "en-US" }));

        Assert.That(email.Text, Is.EqualTo("CHF 1,234.50|¥1,235|$5.00"));
    }

    [Test]
    public async Task Dates_follow_the_profile_time_zone_and_culture()
    {
        // Now is 2026-03-14 23:30 UTC: already the 15th in Berlin, still the 14th in New York.
        var set = Compile(new EmailTemplate("cart", "Hi", "{{ unsubscribe_url }}",
            "{{ now | format_date: 'yyyy-MM-dd HH:mm' }}|{{ now | format_date: 'long' }}|{{ now | date: '%d %H:%M' }}|{{ 'now' | date: '%H:%M' }}"));
        var berlin = Profile(new(StringComparer.Ordinal) { ["timezone"] = "Europe/Berlin", ["locale"] = "de-DE" });
        var newYork = Profile(new(StringComparer.Ordinal) { ["timezone"] = "America/New_York", ["locale"] = "en-US" });
        var unknown = Profile(new(StringComparer.Ordinal) { ["timezone"] = "Mars/Olympus", ["locale"] = "xx-nope" });

        var de = await RenderAsync(set, berlin);
        var us = await RenderAsync(set, newYork);
        var fallback = await RenderAsync(set, unknown);

        Assert.Multiple(() =>
        {
            Assert.That(de.Text, Is.EqualTo("2026-03-15 00:30|Sonntag, 15. März 2026|15 00:30|00:30"));
            Assert.That(us.Text, Is.EqualTo("2026-03-14 19:30|Saturday, March 14, 2026|14 19:30|19:30"));
            Assert.That(fallback.Text, Is.EqualTo("2026-03-14 23:30|Saturday, March 14, 2026|14 23:30|23:30"));
        });
    }

    [Test]
    public async Task The_subject_is_trimmed_onto_one_line()
    {
        var set = Compile(new EmailTemplate("cart", "\n  Hi {{ profile.first_name }},\n  your cart  \r\n waits\n", "{{ unsubscribe_url }}"));

        var email = await RenderAsync(set, Profile());

        Assert.That(email.Subject, Is.EqualTo("Hi Ada, your cart waits"));
    }

    [Test]
    public async Task The_model_shows_trigger_events_email_and_profile_counters()
    {
        var set = Compile(new EmailTemplate("cart", "Hi", "{{ unsubscribe_url }}",
            "{{ trigger.name }}|{{ trigger.send_key }}|{{ trigger.reasons | join: ',' }}|{{ events[0].name }}|{{ events.first.message_id }}"
            + "|{{ email.to }}|{{ profile.user_id }}|{{ profile.event_counts['Product Added'] }}|{{ profile.event_counts.never }}"
            + "|{{ profile.page_views }}|{{ profile.last_order_at }}|{{ email.unsubscribe_url }}"));

        var email = await RenderAsync(set, Profile());

        Assert.That(email.Text, Is.EqualTo(
            $"cart_abandonment|cart_abandonment:u1:1|entered,fired|Product Added|m-1|ada@example.com|u1|3|0|7||{UnsubscribeUrl}"));
    }

    [Test]
    public async Task Many_renders_at_once_each_get_their_own_profile()
    {
        var set = Compile(new EmailTemplate("cart", "Hi {{ profile.first_name }}", "<p>{{ profile.first_name }}</p>{{ unsubscribe_url }}"));

        var emails = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            RenderAsync(set, Profile(new(StringComparer.Ordinal) { ["first_name"] = "n" + i.ToString(CultureInfo.InvariantCulture) })))));

        Assert.That(emails.Select(e => e.Subject), Is.EqualTo(Enumerable.Range(0, 200).Select(i => "Hi n" + i.ToString(CultureInfo.InvariantCulture))));
    }

    [Test]
    public void An_unknown_template_name_fails_the_render()
    {
        var set = Compile(Html("{{ unsubscribe_url }}"));

        Assert.That(() => RenderAsync(set, Profile(), "nope"), Throws.TypeOf<TemplateRenderException>());
    }
}
