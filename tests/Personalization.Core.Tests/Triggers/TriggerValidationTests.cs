using Microsoft.Extensions.Options;
using Personalization.Pipeline;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Triggers;

/// <summary>Trigger configuration errors fail the pipeline start, naming the trigger.</summary>
public class TriggerValidationTests
{
    [Test]
    public void Two_triggers_with_the_same_name_fail_the_start_naming_the_trigger()
    {
        using var directory = new TempDirectory();
        var options = TriggerTestKit.Options(directory.Path, sink: null, triggers:
        [
            Trigger.CartAbandonment(),
            Trigger.When(Trigger.CartAbandonmentName, "Checkout Started"),
            Trigger.PostPurchase(),
        ]);

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => TestPipelines.StartAsync(options));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("'cart_abandonment'"));
            Assert.That(error.Message, Does.Not.Contain("'post_purchase'"));
            Assert.That(Directory.Exists(directory.Combine("store")), Is.False, "nothing was opened");
        });
    }

    [Test]
    public async Task A_data_directory_refused_for_duplicate_triggers_can_be_started_with_valid_ones()
    {
        using var directory = new TempDirectory();
        var duplicate = TriggerTestKit.Options(directory.Path, sink: null, triggers: [Trigger.PostPurchase(), Trigger.PostPurchase()]);
        Assert.ThrowsAsync<OptionsValidationException>(() => TestPipelines.StartAsync(duplicate));

        await using var pipeline = await TriggerTestKit.StartAsync(directory.Path, sink: null, triggers: Trigger.PostPurchase());

        Assert.That(pipeline.TriggerCounts.Keys, Is.EqualTo(new[] { Trigger.PostPurchaseName }));
    }

    [Test]
    public void Trigger_builders_reject_bad_arguments_when_called()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Trigger.When(" ", "Product Added"), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Trigger.When("t", ""), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Trigger.When("t", "Product Added").After(TimeSpan.FromSeconds(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => ReentryPolicy.OncePer(TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void A_built_definition_has_the_documented_defaults()
    {
        var definition = Trigger.When("reminder", "Checkout Started").Build();

        Assert.Multiple(() =>
        {
            Assert.That(definition.Delay, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(definition.Template, Is.EqualTo("reminder"));
            Assert.That(definition.Reentry, Is.SameAs(ReentryPolicy.Always));
            Assert.That(definition.RestartOn, Is.Empty);
            Assert.That(definition.CancelOn, Is.Empty);
            Assert.That(definition.InstanceKey, Is.Null);
        });
    }

    [Test]
    public void Options_have_no_triggers_by_default()
    {
        var options = new PersonalizationOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Triggers, Is.Empty);
            Assert.That(options.SendSink, Is.Null);
        });
    }
}
