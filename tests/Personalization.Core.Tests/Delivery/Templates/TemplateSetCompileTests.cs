using Personalization.Delivery;
using static Personalization.Tests.Delivery.Templates.TemplateModels;

namespace Personalization.Tests.Delivery.Templates;

public class TemplateSetCompileTests
{
    [Test]
    public void An_unknown_member_fails_compile_naming_template_part_line_and_column()
    {
        var template = Html("<p>Hi</p>\n<p>\n  Hello {{ profile.frist_name }}</p>\n<a href=\"{{ unsubscribe_url }}\">stop</a>");

        var error = Assert.Throws<TemplateCompilationException>(() => Compile(template))!;

        Assert.That(error.Errors, Has.Count.EqualTo(1));
        Assert.That(error.Errors[0], Is.EqualTo(new TemplateError("cart", "html", 3, 12, "unknown member 'profile.frist_name'")));
        Assert.That(error.Message, Does.Contain("template 'cart' (html) line 3, column 12: unknown member 'profile.frist_name'"));
    }

    [Test]
    public void A_syntax_error_reports_its_line_and_column()
    {
        var template = new EmailTemplate("welcome", "Hi", null, "Line one\n{{ unsubscribe_url }}\n  {% if profile.first_name %}open");

        var error = Assert.Throws<TemplateCompilationException>(() => Compile(template))!;

        Assert.That(error.Errors, Has.Count.EqualTo(1));
        var found = error.Errors[0];
        Assert.Multiple(() =>
        {
            Assert.That((found.Template, found.Part), Is.EqualTo(("welcome", "text")));
            Assert.That(found.Line, Is.EqualTo(3));
            Assert.That(found.Column, Is.GreaterThan(0));
            Assert.That(found.Message, Does.Contain("endif"));
            Assert.That(error.Message, Does.Match(@"template 'welcome' \(text\) line 3, column \d+: "));
        });
    }

    [Test]
    public void Every_error_of_every_template_is_listed_at_once()
    {
        var error = Assert.Throws<TemplateCompilationException>(() => Compile(
            new EmailTemplate("a", "{{ trigger.nme }}", "{{ unsubscribe_url }}"),
            new EmailTemplate("b", "Hi", "{{ profile.cart_vlaue }} {{ unsubscribe_url }}", "{{ profile.email | mony }}"),
            new EmailTemplate("a", "Hi", "{{ unsubscribe_url }}"),
            new EmailTemplate("c", "Hi", "<p>no link</p>")))!;

        Assert.That(error.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "template 'a' (subject) line 1, column 4: unknown member 'trigger.nme'",
            "template 'b' (html) line 1, column 4: unknown member 'profile.cart_vlaue'",
            "template 'b' (text) line 1, column 20: unknown filter 'mony'",
            "template 'a' (name): two templates have this name",
            "template 'c' (html): the HTML part must use {{ unsubscribe_url }}: every email carries an unsubscribe link",
        }));
    }

    [Test]
    public void Loop_variables_assigned_and_captured_names_and_forloop_are_in_scope()
    {
        const string html = """
            {% assign total = profile.cart_value %}{% capture greeting %}Hi {{ profile.first_name }}{% endcapture %}
            {% for item in profile.cart %}{{ forloop.index }}. {{ item.name }} x{{ item.quantity }} {{ item.line_total | money }}
              {% for reason in trigger.reasons %}{{ reason }}{{ forloop.parentloop.index }}{% endfor %}{% endfor %}
            {% for e in events %}{{ e.name }} {{ e.timestamp | format_date: "long" }}{% endfor %}
            {% assign sorted = profile.cart | sort: "price" %}{% for item in sorted %}{{ item.brand }}{% endfor %}
            {{ greeting }} {{ total }} {{ profile.cart.first.name }} {{ profile.cart[0].price }} {{ profile.cart.size }}
            {{ email.to }} <a href="{{ email.unsubscribe_url }}">unsubscribe</a> {{ now | date: "%Y" }}
            """;

        Assert.That(() => Compile(Html(html)), Throws.Nothing);
    }

    [Test]
    public void Traits_and_event_counts_take_any_key()
    {
        var html = "{{ profile.traits.plan }} {{ profile.traits['favourite colour'].shade }} {{ profile.event_counts['Product Viewed'] }}"
            + " {{ profile.event_counts.signup }} {{ unsubscribe_url }}";

        Assert.That(() => Compile(Html(html)), Throws.Nothing);
    }

    [Test]
    public void A_loop_variable_members_are_checked_against_the_list_element()
    {
        var template = Html("{% for item in profile.cart %}{{ item.nmae }}{% endfor %}{{ unsubscribe_url }}");

        var error = Assert.Throws<TemplateCompilationException>(() => Compile(template))!;

        Assert.That(error.Errors.Single().Message, Is.EqualTo("unknown member 'item.nmae'"));
        Assert.That(error.Errors.Single().Column, Is.EqualTo(34));
    }

    [Test]
    public void A_loop_variable_is_not_in_scope_after_its_loop()
    {
        var template = Html("{% for item in profile.cart %}{% endfor %}{{ item.name }}{{ unsubscribe_url }}");

        var error = Assert.Throws<TemplateCompilationException>(() => Compile(template))!;

        Assert.That(error.Errors.Single().Message, Is.EqualTo("unknown member 'item'"));
    }

    [Test]
    public void An_html_part_without_unsubscribe_url_fails_compile()
    {
        var error = Assert.Throws<TemplateCompilationException>(() => Compile(Html("<p>{{ profile.first_name }}</p>")))!;

        Assert.That(error.Errors.Single().Message, Does.Contain("unsubscribe"));
        Assert.That(error.Errors.Single().Part, Is.EqualTo("html"));
    }

    [Test]
    public void A_text_only_template_needs_unsubscribe_url_in_its_text_part()
    {
        var error = Assert.Throws<TemplateCompilationException>(() => Compile(new EmailTemplate("t", "Hi", null, "Hello")))!;

        Assert.That(error.Errors.Single().Part, Is.EqualTo("text"));
    }

    [Test]
    public void A_text_part_next_to_an_html_part_does_not_need_unsubscribe_url()
    {
        var set = Compile(new EmailTemplate("cart", "Hi", "{{ unsubscribe_url }}", "Hello"));

        Assert.That(set.Names, Is.EquivalentTo(new[] { "cart" }));
        Assert.That(set.Contains("cart"), Is.True);
        Assert.That(set.Contains("other"), Is.False);
    }

    [Test]
    public void Include_is_refused_because_templates_are_self_contained()
    {
        var error = Assert.Throws<TemplateCompilationException>(() => Compile(Html("{% include 'footer' %}{{ unsubscribe_url }}")))!;

        Assert.That(error.Errors.Single().Message, Does.StartWith("'include' is not supported"));
    }
}
