using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalization.Triggers;

namespace Personalization.Samples.Triggers;

/// <summary>The send policies and the newer built-ins, as docs/triggers.md shows them (compiled with the sample).</summary>
internal static class PolicyExample
{
    public static HostApplicationBuilder Configure(HostApplicationBuilder builder, ISendIntentSink sink)
    {
        builder.Services.AddPersonalization(p => p
            .UseDataDirectory("data/personalization")
            .AddTrigger(Trigger.CartAbandonment())
            .AddTrigger(Trigger.Welcome())                                  // first identify with an email
            .AddTrigger(Trigger.WinBack(after: TimeSpan.FromDays(45)))      // customers silent for 45 days
            .AddTrigger(Trigger.WhenProfileBecomes("vip", profile => profile.TotalSpent >= 500m).InCategory("vip"))
            .ConfigureSendPolicies(o =>
            {
                o.FrequencyCap = 2;                                         // at most 2 emails per user...
                o.FrequencyWindow = TimeSpan.FromHours(24);                 // ...per rolling 24 hours
                o.QuietHoursStart = new TimeOnly(22, 0);                    // 22:00 to 08:00 in the user's
                o.QuietHoursEnd = new TimeOnly(8, 0);                       // "timezone" trait
                o.DefaultTimeZone = "Europe/Berlin";
                o.SendBy = TimeSpan.FromHours(12);
                o.SuppressionList.Add("complaints@example.com");
            })
            .UseSendSink(sink));
        return builder;
    }
}
