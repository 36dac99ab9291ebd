using System.Globalization;
using MimeKit;
using Personalization.Triggers;

namespace Personalization.Delivery;

/// <summary>Checks <see cref="DeliveryOptions"/> with the rest of the pipeline's options; each error names the setting and its value.</summary>
internal static class DeliveryOptionsValidator
{
    public static void Validate(List<string> errors, DeliveryOptions? options, IEnumerable<TriggerDefinition?> triggers)
    {
        if (options is null)
        {
            errors.Add("Delivery must be set.");
            return;
        }

        if (options.Dispatcher is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            errors.Add($"Delivery.From must be a sender address such as 'Shop <news@shop.example>'; it is '{options.From}'.");
        }

        ValidateUnsubscribe(errors, options);
        if (options.FallbackEmailDomain is { } domain && (domain.Length == 0 || domain.Contains('@', StringComparison.Ordinal) || domain.Any(char.IsWhiteSpace)))
        {
            errors.Add($"Delivery.FallbackEmailDomain must be a domain such as 'example.com'; it is '{domain}'.");
        }

        if (options.MaxConcurrency is < 1 or > 1024)
        {
            errors.Add(Invariant($"Delivery.MaxConcurrency must be between 1 and 1024; it is {options.MaxConcurrency}."));
        }

        var retry = options.Retry;
        if (retry.MaxAttempts is < 1 or > 100)
        {
            errors.Add(Invariant($"Delivery.Retry.MaxAttempts must be between 1 and 100; it is {retry.MaxAttempts}."));
        }

        if (retry.BaseDelay < TimeSpan.Zero || retry.BaseDelay > retry.MaxDelay)
        {
            errors.Add(Invariant($"Delivery.Retry.BaseDelay must be between 0 and Delivery.Retry.MaxDelay ({retry.MaxDelay}); it is {retry.BaseDelay}."));
        }

        if (retry.MaxDelay > TimeSpan.FromDays(1))
        {
            errors.Add(Invariant($"Delivery.Retry.MaxDelay must be at most 1 day; it is {retry.MaxDelay}."));
        }

        if (retry.AttemptTimeout < TimeSpan.FromMilliseconds(10) || retry.AttemptTimeout > TimeSpan.FromHours(1))
        {
            errors.Add(Invariant($"Delivery.Retry.AttemptTimeout must be between 10 ms and 1 hour; it is {retry.AttemptTimeout}."));
        }

        var limits = options.TemplateLimits;
        if (limits.MaxSteps < 1 || limits.MaxRecursion < 1 || limits.MaxOutputChars < 1)
        {
            errors.Add(Invariant($"Delivery.TemplateLimits must all be at least 1; MaxSteps is {limits.MaxSteps}, MaxRecursion {limits.MaxRecursion}, MaxOutputChars {limits.MaxOutputChars}."));
        }

        var names = new HashSet<string>(options.Templates.Where(t => t is not null).Select(t => t.Name), StringComparer.Ordinal);
        foreach (var trigger in triggers)
        {
            if (trigger is not null && !names.Contains(trigger.Template))
            {
                errors.Add($"Trigger '{trigger.Name}' sends template '{trigger.Template}', which is not configured; add it with AddTemplate (configured: {(names.Count == 0 ? "none" : string.Join(", ", names.Order(StringComparer.Ordinal)))}).");
            }
        }
    }

    private static void ValidateUnsubscribe(List<string> errors, DeliveryOptions options)
    {
        var template = options.UnsubscribeUrl;
        if (string.IsNullOrWhiteSpace(template))
        {
            errors.Add("Delivery.UnsubscribeUrl must be set: every email carries a one-click unsubscribe link (RFC 8058), for example 'https://shop.example/unsubscribe?u={user_id}&t={token}'.");
            return;
        }

        var sample = template.Replace("{user_id}", "u", StringComparison.Ordinal).Replace("{token}", "t", StringComparison.Ordinal)
            .Replace("{send_key}", "k", StringComparison.Ordinal);
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            errors.Add($"Delivery.UnsubscribeUrl must be an absolute https URL (http only on loopback); it is '{template}'.");
        }

        if (template.Contains("{token}", StringComparison.Ordinal) && string.IsNullOrEmpty(options.UnsubscribeSigningKey))
        {
            errors.Add("Delivery.UnsubscribeSigningKey must be set when Delivery.UnsubscribeUrl uses {token}.");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
