using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Hosting;

/// <summary>Delivery configured through <c>AddPersonalization</c>: the builder's methods, and start-up failures.</summary>
public class DeliveryHostingTests
{
    private const string Html = "<p>{{ profile.first_name }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>";

    [Test]
    public void The_builder_sets_the_templates_the_sender_and_the_pickup_dispatcher()
    {
        using var directory = new TempDirectory();
        var services = new ServiceCollection();

        services.AddPersonalization(p => p
            .AddTemplate("cart_abandonment", "Hi", Html)
            .ConfigureDelivery(o =>
            {
                o.From = "news@shop.test";
                o.UnsubscribeUrl = "https://shop.test/u?id={user_id}";
            })
            .UsePickupDirectory(directory.Path));

        using var provider = services.BuildServiceProvider();
        var delivery = provider.GetRequiredService<IOptions<PersonalizationOptions>>().Value.Delivery;
        Assert.Multiple(() =>
        {
            Assert.That(delivery.Templates.Select(t => t.Name), Is.EqualTo(new[] { "cart_abandonment" }));
            Assert.That(delivery.From, Is.EqualTo("news@shop.test"));
            Assert.That(delivery.Dispatcher, Is.InstanceOf<PickupDirectoryDispatcher>());
        });
    }

    [Test]
    public void A_template_with_an_unknown_member_fails_the_host_start_with_the_template_line_and_column()
    {
        using var directory = new TempDirectory();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory(directory.Combine("data"))
            .AddTrigger(Trigger.CartAbandonment())
            .AddTemplate("cart_abandonment", "Hi {{ profile.first_nam }}", Html)
            .ConfigureDelivery(o =>
            {
                o.From = "news@shop.test";
                o.UnsubscribeUrl = "https://shop.test/u?id={user_id}";
            })
            .UsePickupDirectory(directory.Combine("outbox")));
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<TemplateCompilationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("'cart_abandonment'").And.Contain("subject").And.Contain("line 1, column").And.Contain("profile.first_nam"));
    }

    [Test]
    public void A_trigger_whose_template_is_missing_fails_the_host_start_naming_it()
    {
        using var directory = new TempDirectory();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory(directory.Combine("data"))
            .AddTrigger(Trigger.CartAbandonment())
            .ConfigureDelivery(o =>
            {
                o.From = "news@shop.test";
                o.UnsubscribeUrl = "https://shop.test/u?id={user_id}";
            })
            .UsePickupDirectory(directory.Combine("outbox")));
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Trigger 'cart_abandonment' sends template 'cart_abandonment', which is not configured"));
    }
}
