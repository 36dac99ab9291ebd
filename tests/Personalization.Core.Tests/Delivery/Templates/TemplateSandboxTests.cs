using Personalization.Delivery;
using static Personalization.Tests.Delivery.Templates.TemplateModels;

namespace Personalization.Tests.Delivery.Templates;

public class TemplateSandboxTests
{
    [Test]
    public void A_loop_over_a_huge_range_is_stopped_before_it_starts()
    {
        var set = Compile(Html("{% for i in (1..100000000) %}x{% endfor %}{{ unsubscribe_url }}"));

        var error = Assert.ThrowsAsync<TemplateRenderException>(() => RenderAsync(set, Profile()))!;

        Assert.That((error.Template, error.Part), Is.EqualTo(("cart", "html")));
        Assert.That(error.Reason, Does.Contain("MaxSteps"));
    }

    [Test]
    public void Nested_loops_are_stopped_by_max_steps()
    {
        var set = Compile(Html("{% for i in (1..1000) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}{{ unsubscribe_url }}"));

        var error = Assert.ThrowsAsync<TemplateRenderException>(() => RenderAsync(set, Profile()))!;

        Assert.That(error.Reason, Does.Contain("MaxSteps"));
    }

    [Test]
    public void Output_over_max_output_chars_is_stopped()
    {
        var limits = new TemplateLimits { MaxOutputChars = 1000 };
        var set = Compile(limits, new EmailTemplate("cart", "Hi", null, "{{ unsubscribe_url }}{% for i in (1..500) %}xyz{% endfor %}"));

        var error = Assert.ThrowsAsync<TemplateRenderException>(() => RenderAsync(set, Profile()))!;

        Assert.That(error.Part, Is.EqualTo("text"));
        Assert.That(error.Reason, Does.Contain("MaxOutputChars (1000)"));
    }

    [Test]
    public void A_string_doubled_in_a_loop_is_stopped_before_it_fills_memory()
    {
        var set = Compile(Html("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ unsubscribe_url }}"));

        var error = Assert.ThrowsAsync<TemplateRenderException>(() => RenderAsync(set, Profile()))!;

        Assert.That(error.Reason, Does.Contain("filter 'append'"));
    }

    [Test]
    public void A_loop_that_rebuilds_a_large_string_on_every_pass_is_stopped_by_the_work_budget()
    {
        var limits = new TemplateLimits { MaxOutputChars = 1000 };
        var set = Compile(limits, Html("{% capture s %}{% for i in (1..450) %}ab{% endfor %}{% endcapture %}"
            + "{% for i in (1..100) %}{% assign t = s | append: i %}{% endfor %}{{ unsubscribe_url }}"));

        var error = Assert.ThrowsAsync<TemplateRenderException>(() => RenderAsync(set, Profile()))!;

        Assert.That(error.Reason, Does.Contain("16 times MaxOutputChars"));
    }

    [Test]
    public void A_capture_is_held_to_max_output_chars()
    {
        var limits = new TemplateLimits { MaxOutputChars = 1000 };
        var set = Compile(limits, Html("{% capture big %}{% for i in (1..900) %}ab{% endfor %}{% endcapture %}{{ unsubscribe_url }}"));

        var error = Assert.ThrowsAsync<TemplateRenderException>(() => RenderAsync(set, Profile()))!;

        Assert.That(error.Reason, Does.Contain("MaxOutputChars"));
    }

    [Test]
    public void A_filter_that_fails_on_a_value_fails_only_this_render_with_the_reason()
    {
        var set = Compile(new EmailTemplate("cart", "Hi", null, "{{ unsubscribe_url }}{{ profile.page_views | divided_by: profile.order_count }}"));

        var error = Assert.ThrowsAsync<TemplateRenderException>(() => RenderAsync(set, Profile()))!;

        Assert.That((error.Template, error.Part), Is.EqualTo(("cart", "text")));
        Assert.That(error.Message, Does.StartWith("template 'cart' (text) failed to render: "));
    }

    [Test]
    public async Task A_template_within_its_limits_renders()
    {
        var set = Compile(Html("{% capture c %}{% for i in (1..3) %}{{ i }}{% endfor %}{% endcapture %}{{ c }}|{{ unsubscribe_url }}"));

        var email = await RenderAsync(set, Profile());

        Assert.That(email.Html, Does.StartWith("123|"));
    }
}
