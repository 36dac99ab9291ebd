using Personalization.Delivery;
using Personalization.Delivery.Templates;
using Personalization.Profiles;
using Personalization.Triggers;

namespace Personalization.Tests.Delivery.Templates;

/// <summary>Profiles, decisions and models for template tests.</summary>
internal static class TemplateModels
{
    public const string UnsubscribeUrl = "https://shop.example/unsubscribe?u=u1&t=abc";

    public static readonly DateTimeOffset Now = new(2026, 3, 14, 23, 30, 0, TimeSpan.Zero);

    public static CustomerProfile Profile(Dictionary<string, object?>? traits = null, params CartItem[] cart) => new()
    {
        UserId = "u1",
        Traits = traits ?? new(StringComparer.Ordinal) { ["first_name"] = "Ada", ["email"] = "ada@example.com" },
        Cart = [.. cart],
        FirstSeen = Now.AddDays(-30),
        LastSeen = Now.AddHours(-2),
        EventCounts = new(StringComparer.Ordinal) { ["Product Added"] = 3 },
        EventCount = 12,
        PageViews = 7,
    };

    public static SendIntent Intent() =>
        new("cart_abandonment:u1:1", "cart_abandonment", "u1", "u1", Now.AddHours(-2), Now, "cart", ["entered", "fired"])
        {
            Events = [new TriggeringEvent("Product Added", Now.AddHours(-2), "m-1")],
        };

    public static EmailModel Model(CustomerProfile profile) => new(profile, Intent(), "ada@example.com", UnsubscribeUrl, Now);

    public static TemplateSet Compile(params EmailTemplate[] templates) => TemplateSet.Compile(templates, new TemplateLimits());

    public static TemplateSet Compile(TemplateLimits limits, params EmailTemplate[] templates) => TemplateSet.Compile(templates, limits);

    /// <summary>A template with the given HTML part and a plain subject.</summary>
    public static EmailTemplate Html(string html, string name = "cart") => new(name, "Hello", html);

    public static Task<RenderedEmail> RenderAsync(TemplateSet set, CustomerProfile profile, string name = "cart") =>
        set.RenderAsync(name, Model(profile), CancellationToken.None).AsTask();
}
