using Personalization.Events;
using Personalization.Testing;
using Personalization.Triggers;

namespace Personalization.Tests.Testing;

// The send policies, driven in processing time through the public test driver.
public class SendPolicyTests
{
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);

    private static Task<PersonalizationTestDriver> StartAsync(Action<SendPolicyOptions>? policies = null, DateTimeOffset? start = null) =>
        PersonalizationTestDriver.StartAsync(o =>
        {
            o.Triggers.Add(Trigger.CartAbandonment().Build());
            o.Triggers.Add(Trigger.BrowseAbandonment().Build());
            policies?.Invoke(o.SendPolicies);
        }, start);

    private static SegmentEvent Added(PersonalizationTestDriver driver, string user, string id) =>
        Ecommerce.ProductAdded(id, user, driver.Now, new Product("sku-1", 10m));

    [Test]
    public async Task Cart_abandonment_fires_after_the_delay_in_processing_time()
    {
        await using var driver = await StartAsync();
        await driver.SendAsync(Added(driver, "u1", "m1"));
        var added = driver.Now;

        await driver.AdvanceAsync(TimeSpan.FromMinutes(59));
        Assert.That(driver.Sends, Is.Empty, "not due yet");
        await driver.AdvanceAsync(TimeSpan.FromMinutes(1));

        var send = driver.Sends.Single();
        Assert.Multiple(() =>
        {
            Assert.That(send.SendKey, Is.EqualTo("cart_abandonment:u1:1"));
            Assert.That(send.Due, Is.EqualTo(added + s_hour));
            Assert.That(send.Template, Is.EqualTo("cart_abandonment"));
        });
    }

    [Test]
    public async Task Frequency_cap_suppresses_sends_beyond_the_cap_across_triggers()
    {
        await using var driver = await StartAsync(p => p.FrequencyCap = 1);
        await driver.SendAsync(Ecommerce.ProductViewed("m1", "u1", driver.Now, new Product("sku-9")));
        await driver.AdvanceAsync(TimeSpan.FromMinutes(10));
        await driver.SendAsync(Added(driver, "u2", "m2"));
        await driver.SendAsync(Added(driver, "u1", "m3")); // cancels u1's browse abandonment, starts a cart abandonment
        await driver.SendAsync(Ecommerce.ProductViewed("m4", "u1", driver.Now, new Product("sku-8")));
        await driver.AdvanceAsync(TimeSpan.FromHours(2));

        var decisions = await driver.DecisionsAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(driver.Sends.Select(s => s.UserId), Is.EquivalentTo(new[] { "u1", "u2" }), "one send each");
            Assert.That(decisions.Select(d => (d.Trigger, d.Outcome, d.Reason)), Does.Contain(("browse_abandonment", "suppressed", TriggerReasons.FrequencyCap))
                .Or.Contain(("cart_abandonment", "suppressed", TriggerReasons.FrequencyCap)));
        });
    }

    [Test]
    public async Task Quiet_hours_defer_a_send_to_their_end_in_the_users_time_zone()
    {
        // 20:30 UTC is 21:30 in Berlin; the cart comes due at 22:30 local, inside quiet hours 22:00-08:00.
        await using var driver = await StartAsync(p =>
        {
            p.QuietHoursStart = new TimeOnly(22, 0);
            p.QuietHoursEnd = new TimeOnly(8, 0);
        }, new DateTimeOffset(2026, 1, 5, 20, 30, 0, TimeSpan.Zero));
        await driver.SendAsync(SegmentEvent.Identify("i1", "u1", driver.Now, new Dictionary<string, object?> { ["timezone"] = "Europe/Berlin" }));
        await driver.SendAsync(Added(driver, "u1", "m1"));

        await driver.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.That(driver.Sends, Is.Empty, "deferred, not sent at night");
        await driver.AdvanceAsync(TimeSpan.FromHours(9));

        var send = driver.Sends.Single();
        Assert.Multiple(() =>
        {
            Assert.That(send.Due, Is.EqualTo(new DateTimeOffset(2026, 1, 6, 7, 0, 0, TimeSpan.Zero)), "08:00 in Berlin");
            Assert.That(send.Reasons, Does.Contain("deferred: quiet_hours"));
            Assert.That(driver.Counts["cart_abandonment"].Deferred, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Quiet_hours_past_the_send_by_deadline_suppress_the_send()
    {
        await using var driver = await StartAsync(p =>
        {
            p.QuietHoursStart = new TimeOnly(22, 0);
            p.QuietHoursEnd = new TimeOnly(8, 0);
            p.SendBy = TimeSpan.FromHours(2);
        }, new DateTimeOffset(2026, 1, 5, 21, 30, 0, TimeSpan.Zero));
        await driver.SendAsync(Added(driver, "u1", "m1"));

        await driver.AdvanceAsync(TimeSpan.FromHours(12));

        var decisions = await driver.DecisionsAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(driver.Sends, Is.Empty);
            Assert.That(decisions[^1].Outcome, Is.EqualTo("suppressed"));
            Assert.That(decisions[^1].Reason, Is.EqualTo(TriggerReasons.QuietHours));
        });
    }

    [Test]
    public async Task Unsubscribed_users_suppression_list_and_withdrawn_consent_get_nothing()
    {
        await using var driver = await StartAsync(p => p.SuppressionList.Add("blocked@example.com"));
        await driver.SendAsync(SegmentEvent.Identify("i1", "gone", driver.Now, new Dictionary<string, object?> { ["unsubscribed"] = true }));
        await driver.SendAsync(SegmentEvent.Identify("i2", "listed", driver.Now, new Dictionary<string, object?> { ["email"] = "BLOCKED@example.com" }));
        await driver.SendAsync(SegmentEvent.Identify("i3", "shy", driver.Now, new Dictionary<string, object?> { ["consent_marketing"] = false }));
        await driver.SendAsync(SegmentEvent.Identify("i4", "happy", driver.Now, new Dictionary<string, object?> { ["email"] = "happy@example.com" }));
        foreach (var user in new[] { "gone", "listed", "shy", "happy" })
        {
            await driver.SendAsync(Added(driver, user, "add-" + user));
        }

        await driver.AdvanceAsync(TimeSpan.FromHours(2));

        var gone = await driver.DecisionsAsync("gone");
        var listed = await driver.DecisionsAsync("listed");
        var shy = await driver.DecisionsAsync("shy");
        Assert.Multiple(() =>
        {
            Assert.That(driver.Sends.Select(s => s.UserId), Is.EqualTo(new[] { "happy" }));
            Assert.That(gone[^1].Reason, Is.EqualTo(TriggerReasons.Unsubscribed));
            Assert.That(listed[^1].Reason, Is.EqualTo(TriggerReasons.Suppressed));
            Assert.That(shy[^1].Reason, Is.EqualTo(TriggerReasons.NoConsent));
            Assert.That(driver.Counts["cart_abandonment"].Suppressed, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Welcome_fires_once_for_the_first_identify_with_an_email()
    {
        await using var driver = await PersonalizationTestDriver.StartAsync(o => o.Triggers.Add(Trigger.Welcome().Build()));
        await driver.SendAsync(SegmentEvent.Identify("i1", "u1", driver.Now, new Dictionary<string, object?> { ["first_name"] = "Ada" }));
        await driver.SendAsync(SegmentEvent.Identify("i2", "u1", driver.Now, new Dictionary<string, object?> { ["email"] = "ada@example.com" }));
        await driver.SendAsync(SegmentEvent.Identify("i3", "u1", driver.Now, new Dictionary<string, object?> { ["email"] = "ada@new.example.com" }));
        await driver.AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.That(driver.Sends.Select(s => s.SendKey), Is.EqualTo(new[] { "welcome:u1:1" }));
    }

    [Test]
    public async Task Win_back_fires_after_30_days_without_events_of_a_customer()
    {
        await using var driver = await PersonalizationTestDriver.StartAsync(o => o.Triggers.Add(Trigger.WinBack().Build()));
        await driver.SendAsync(Ecommerce.ProductViewed("m0", "browser", driver.Now, new Product("sku-1")));
        await driver.SendAsync(Ecommerce.OrderCompleted("m1", "buyer", driver.Now, "o-1", [new Product("sku-1", 20m)]));
        await driver.AdvanceAsync(TimeSpan.FromDays(20));
        await driver.SendAsync(Ecommerce.ProductViewed("m2", "buyer", driver.Now, new Product("sku-2")));
        await driver.AdvanceAsync(TimeSpan.FromDays(29));
        Assert.That(driver.Sends, Is.Empty, "the view 29 days ago restarted the period");

        await driver.AdvanceAsync(TimeSpan.FromDays(1));

        Assert.That(driver.Sends.Select(s => s.UserId), Is.EqualTo(new[] { "buyer" }), "only customers with an order");
    }

    [Test]
    public async Task A_segment_entry_trigger_fires_when_the_total_spent_crosses_its_threshold()
    {
        await using var driver = await PersonalizationTestDriver.StartAsync(o =>
            o.Triggers.Add(Trigger.WhenProfileBecomes("vip", p => p.TotalSpent >= 500).Build()));
        await driver.SendAsync(Ecommerce.OrderCompleted("m1", "u1", driver.Now, "o-1", [new Product("sku-1", 300m)]));
        await driver.SendAsync(Ecommerce.OrderCompleted("m2", "u1", driver.Now, "o-2", [new Product("sku-1", 300m)]));
        await driver.SendAsync(Ecommerce.OrderCompleted("m3", "u1", driver.Now, "o-3", [new Product("sku-1", 300m)]));
        await driver.AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.That(driver.Sends.Select(s => s.SendKey), Is.EqualTo(new[] { "vip:u1:1" }), "once, when 600 crossed 500");
    }

    [Test]
    public async Task A_users_decision_trace_keeps_the_latest_32_decisions_in_order()
    {
        await using var driver = await PersonalizationTestDriver.StartAsync(o =>
            o.Triggers.Add(Trigger.When("ping", "Ping").After(TimeSpan.FromMinutes(1)).Build()));
        for (var i = 0; i < 25; i++)
        {
            await driver.SendAsync(SegmentEvent.Track("p" + i, "u1", "Ping", driver.Now));
            await driver.AdvanceAsync(TimeSpan.FromMinutes(2));
        }

        var decisions = await driver.DecisionsAsync("u1");

        Assert.Multiple(() =>
        {
            Assert.That(driver.Sends, Has.Count.EqualTo(25));
            Assert.That(decisions, Has.Count.EqualTo(32), "50 decisions, the oldest 18 dropped");
            Assert.That(decisions.Select(d => d.At), Is.Ordered);
            Assert.That(decisions[^1].Outcome, Is.EqualTo("fired"));
            Assert.That(decisions[^2].Outcome, Is.EqualTo("entered"));
            Assert.That(decisions[0].Outcome, Is.EqualTo("entered"), "entries and sends alternate, 16 of each");
        });
    }
}
