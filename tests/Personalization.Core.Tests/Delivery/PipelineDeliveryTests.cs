using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.Events;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Delivery;

/// <summary>The delivery stage inside a pipeline: what reaches the outbox folder, what is skipped, and what fails the start.</summary>
public class PipelineDeliveryTests
{
    private const string CartHtml = """
        <p>Hi {{ profile.first_name }}</p>{% for item in profile.cart %}<p>{{ item.name }} x{{ item.quantity }}</p>{% endfor %}
        <a href="{{ unsubscribe_url }}">Unsubscribe</a>
        """;

    [Test]
    public async Task A_fired_cart_abandonment_becomes_one_eml_file_with_the_cart_and_the_headers()
    {
        using var directory = new TempDirectory();
        var outbox = directory.Combine("outbox");
        var options = Options(directory.Combine("data"), outbox);
        await using (var pipeline = await TestPipelines.StartAsync(options))
        {
            await pipeline.IngestAsync(TestEvents.Identify("u1", new Dictionary<string, object?> { ["email"] = "ada@example.com", ["first_name"] = "Ada" }, TestEvents.At(0)));
            await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "sku-1", quantity: 2, price: 9.5, at: TestEvents.At(10)));
            await pipeline.CompleteReplayAsync();
            await pipeline.StopAsync();
            Assert.That(pipeline.DeliveryCounts.Sent, Is.EqualTo(1));
        }

        var file = Directory.GetFiles(outbox, "*.eml").Single();
        var message = await MimeMessage.LoadAsync(file);
        Assert.Multiple(() =>
        {
            Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo("ada@example.com"));
            Assert.That(message.Subject, Is.EqualTo("Ada, 2 items"));
            Assert.That(message.HtmlBody, Does.Contain("<p>Hi Ada</p>").And.Contain("x2"));
            Assert.That(message.Headers["X-Personalization-Trigger"], Is.EqualTo(Trigger.CartAbandonmentName));
            Assert.That(message.Headers["X-Personalization-Send-Key"], Is.EqualTo("cart_abandonment:u1:1"));
            Assert.That(message.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
        });
    }

    [Test]
    public async Task A_user_without_an_email_is_skipped_as_no_address_and_the_trigger_counts_do_not_change()
    {
        using var directory = new TempDirectory();
        var outbox = directory.Combine("outbox");
        await using var pipeline = await TestPipelines.StartAsync(Options(directory.Combine("data"), outbox));

        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "sku-1", at: TestEvents.At(10)));
        await pipeline.CompleteReplayAsync();
        await pipeline.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(TriggerTestKit.CountsOf(pipeline, Trigger.CartAbandonmentName), Is.EqualTo((1L, 0L, 0L, 0L, 1L)));
            Assert.That(pipeline.DeliveryCounts, Is.EqualTo(new DeliveryCounts(Rendered: 0, Sent: 0, Failed: 0, Skipped: 1, Retried: 0, Duplicates: 0)));
            Assert.That(Directory.Exists(outbox) ? Directory.GetFiles(outbox) : [], Is.Empty);
        });
    }

    [Test]
    public async Task With_a_fallback_domain_a_user_without_an_email_gets_user_id_at_that_domain()
    {
        using var directory = new TempDirectory();
        var outbox = directory.Combine("outbox");
        var options = Options(directory.Combine("data"), outbox);
        options.Delivery.FallbackEmailDomain = "replay.example";
        await using (var pipeline = await TestPipelines.StartAsync(options))
        {
            await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "sku-1", at: TestEvents.At(10)));
            await pipeline.CompleteReplayAsync();
        }

        var message = await MimeMessage.LoadAsync(Directory.GetFiles(outbox, "*.eml").Single());
        Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo("u1@replay.example"));
    }

    [Test]
    public async Task An_Unsubscribed_event_marks_the_profile_and_suppresses_later_sends()
    {
        using var directory = new TempDirectory();
        var outbox = directory.Combine("outbox");
        await using var pipeline = await TestPipelines.StartAsync(Options(directory.Combine("data"), outbox));

        await pipeline.IngestAsync(TestEvents.Identify("u1", new Dictionary<string, object?> { ["email"] = "ada@example.com" }, TestEvents.At(0)));
        await pipeline.IngestAsync(TestEvents.Track("u1", EcommerceEvents.Unsubscribed, TestEvents.At(5)));
        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "sku-1", at: TestEvents.At(10)));
        await pipeline.CompleteReplayAsync();
        var profile = await pipeline.GetAsync("u1");
        await pipeline.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(profile!.Traits["unsubscribed"], Is.EqualTo(true));
            Assert.That(pipeline.TriggerCounts[Trigger.CartAbandonmentName].Suppressed, Is.EqualTo(1));
            Assert.That(pipeline.DeliveryCounts.Sent, Is.Zero);
            Assert.That(Directory.Exists(outbox) ? Directory.GetFiles(outbox) : [], Is.Empty);
        });
    }

    [Test]
    public void A_template_with_an_unknown_member_fails_the_start_with_its_name_line_and_column()
    {
        using var directory = new TempDirectory();
        var options = Options(directory.Combine("data"), directory.Combine("outbox"), html: "<p>\n{{ profile.frist_name }}</p><a href=\"{{ unsubscribe_url }}\">x</a>");

        var error = Assert.ThrowsAsync<TemplateCompilationException>(() => TestPipelines.StartAsync(options));

        Assert.That(error!.Message, Does.Contain("'cart_abandonment'").And.Contain("line 2").And.Contain("profile.frist_name"));
        Assert.That(Directory.Exists(Path.Combine(directory.Combine("data"), "store")), Is.False, "nothing is opened before the templates compile");
    }

    [Test]
    public void Delivery_settings_are_validated_at_start_and_every_bad_one_is_named()
    {
        using var directory = new TempDirectory();
        var options = Options(directory.Combine("data"), directory.Combine("outbox"));
        options.Delivery.From = "not an address";
        options.Delivery.UnsubscribeUrl = "ftp://shop.example/u";
        options.Delivery.MaxConcurrency = 0;
        options.Delivery.Templates.Clear();

        var error = Assert.Throws<OptionsValidationException>(() => _ = new PersonalizationPipeline(options));

        Assert.That(error!.Message, Does.Contain("Delivery.From").And.Contain("Delivery.UnsubscribeUrl")
            .And.Contain("Delivery.MaxConcurrency").And.Contain("template 'cart_abandonment'"));
    }

    [Test]
    public async Task On_a_live_clock_the_email_goes_out_when_the_hour_is_up_rendered_from_the_stored_profile()
    {
        using var directory = new TempDirectory();
        var outbox = directory.Combine("outbox");
        var time = new FakeTimeProvider(TestEvents.T0);
        var sink = new TriggerSendRecorder();
        var options = Options(directory.Combine("data"), outbox);
        options.Clock = ClockMode.ProcessingTime;
        options.ClockTickInterval = TimeSpan.FromSeconds(1);
        options.SendSink = sink;
        await using var pipeline = await TestPipelines.StartAsync(options, time);

        await pipeline.IngestAsync(TestEvents.Identify("u1", new Dictionary<string, object?> { ["email"] = "ada@example.com", ["first_name"] = "Ada" }));
        await pipeline.IngestAsync(TestEvents.ProductAdded("u1", "sku-1"));
        await pipeline.FlushAsync();
        time.Advance(TimeSpan.FromMinutes(59));
        await pipeline.FlushAsync();
        Assert.That(sink.Intents, Is.Empty, "nothing is decided before the hour is up");

        time.Advance(TimeSpan.FromMinutes(1));
        await sink.WaitForAsync(1);
        await pipeline.StopAsync();

        var message = await MimeMessage.LoadAsync(Directory.GetFiles(outbox, "*.eml").Single());
        Assert.Multiple(() =>
        {
            Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo("ada@example.com"));
            Assert.That(message.HtmlBody, Does.Contain("<p>Hi Ada</p>"));
            Assert.That(pipeline.DeliveryCounts.Sent, Is.EqualTo(1));
        });
    }

    private static PersonalizationOptions Options(string data, string outbox, string html = CartHtml)
    {
        var options = TriggerTestKit.Options(data, sink: null, shardCount: 2, ClockMode.EventTime, Trigger.CartAbandonment());
        var delivery = options.Delivery;
        delivery.Dispatcher = new PickupDirectoryDispatcher(new PickupDirectoryOptions { Directory = outbox });
        delivery.Templates.Add(new EmailTemplate(Trigger.CartAbandonmentName, "{{ profile.first_name }}, {{ profile.cart_quantity }} items", html));
        delivery.From = "Shop <news@shop.test>";
        delivery.UnsubscribeUrl = "https://shop.test/unsubscribe?u={user_id}&t={token}";
        delivery.UnsubscribeSigningKey = "secret";
        return options;
    }
}
