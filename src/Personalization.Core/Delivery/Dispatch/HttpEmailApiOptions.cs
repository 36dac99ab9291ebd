using System.Text.Json.Nodes;

namespace Personalization.Delivery.Dispatch;

/// <summary>
/// Where and how <see cref="HttpEmailDispatcher"/> posts emails: the endpoint, the API key, the idempotency key, the
/// JSON body and any fixed headers. Validated when the dispatcher is created; the error lists every bad setting.
/// </summary>
/// <remarks>
/// For an API that takes its key raw in its own header, set <see cref="ApiKeyHeader"/> to that header and
/// <see cref="ApiKeyPrefix"/> to the empty string: <c>ApiKeyHeader = "X-Api-Key", ApiKeyPrefix = ""</c> sends
/// <c>X-Api-Key: &lt;key&gt;</c>.
/// </remarks>
public sealed class HttpEmailApiOptions
{
    /// <summary>The absolute <c>http</c> or <c>https</c> URL each email is posted to. Required.</summary>
    /// <value>The default is <see langword="null"/>, which fails validation.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key, sent in <see cref="ApiKeyHeader"/> after <see cref="ApiKeyPrefix"/>; no key header is
    /// sent when it is not set.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>The header that carries <see cref="ApiKey"/>.</summary>
    /// <value>The default is <c>Authorization</c>.</value>
    public string ApiKeyHeader { get; set; } = "Authorization";

    /// <summary>What goes before the key in <see cref="ApiKeyHeader"/>; the empty string sends the key raw.</summary>
    /// <value>The default is <c>"Bearer "</c>, so the header is <c>Authorization: Bearer &lt;key&gt;</c>.</value>
    public string ApiKeyPrefix { get; set; } = "Bearer ";

    /// <summary>The header that carries <see cref="EmailMessage.SendKey"/>, so that the platform drops a repeated
    /// attempt of a send it has already accepted; <see langword="null"/> or empty sends no such header.</summary>
    /// <value>The default is <c>Idempotency-Key</c>.</value>
    public string? IdempotencyKeyHeader { get; set; } = "Idempotency-Key";

    /// <summary>Fixed headers sent with every request (for example an account id or an API version). A header named
    /// like a content header (<c>Content-Type</c>) replaces the body's; the key and idempotency headers replace a fixed
    /// header of the same name.</summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Turns a message into the JSON body of the request. Start from <see cref="DefaultBody"/> to add or
    /// rename fields. An exception it throws fails the send permanently, since another attempt would throw again.</summary>
    /// <value>The default is <see cref="DefaultBody"/>.</value>
    public Func<EmailMessage, JsonNode> BodyMapper { get; set; } = DefaultBody;

    /// <summary>The most characters of an error response's body kept in the exception's message.</summary>
    /// <value>The default is 512.</value>
    public int MaxErrorBodyChars { get; set; } = 512;

    /// <summary>The clock an HTTP-date <c>Retry-After</c> is measured against.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The default body: <c>{"from", "to", "subject", "html", "text", "headers": {name: value}, "message_id",
    /// "send_key", "trigger", "user_id"}</c>. <c>html</c> and <c>text</c> are left out when the template has no such
    /// part; <c>message_id</c> has no angle brackets; of two headers with the same name the later one wins.
    /// </summary>
    /// <param name="message">The message to send.</param>
    /// <returns>A new JSON object.</returns>
    public static JsonNode DefaultBody(EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new JsonObject();
        foreach (var (name, value) in message.Headers)
        {
            headers[name] = value;
        }

        var body = new JsonObject
        {
            ["from"] = message.From,
            ["to"] = message.To,
            ["subject"] = message.Subject,
        };
        if (message.HtmlBody is not null)
        {
            body["html"] = message.HtmlBody;
        }

        if (message.TextBody is not null)
        {
            body["text"] = message.TextBody;
        }

        body["headers"] = headers;
        body["message_id"] = message.MessageId;
        body["send_key"] = message.SendKey;
        body["trigger"] = message.Trigger;
        body["user_id"] = message.UserId;
        return body;
    }

    /// <summary>Every bad setting, with its value; empty when the options are valid.</summary>
    internal List<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoint is null)
        {
            errors.Add("Endpoint is required.");
        }
        else if (!Endpoint.IsAbsoluteUri)
        {
            errors.Add($"Endpoint '{Endpoint}' must be an absolute URL.");
        }
        else if (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"Endpoint '{Endpoint}' must be an http or https URL.");
        }

        if (ApiKey is not null)
        {
            if (ApiKey.Length == 0 || HasLineBreak(ApiKey))
            {
                errors.Add("ApiKey must not be empty or contain line breaks (value not shown).");
            }

            if (!IsToken(ApiKeyHeader))
            {
                errors.Add($"ApiKeyHeader '{ApiKeyHeader}' is not a valid header name.");
            }

            if (ApiKeyPrefix is null || HasLineBreak(ApiKeyPrefix))
            {
                errors.Add($"ApiKeyPrefix '{ApiKeyPrefix}' must not be null or contain line breaks.");
            }
        }

        if (!string.IsNullOrEmpty(IdempotencyKeyHeader) && !IsToken(IdempotencyKeyHeader))
        {
            errors.Add($"IdempotencyKeyHeader '{IdempotencyKeyHeader}' is not a valid header name.");
        }

        foreach (var (name, value) in Headers)
        {
            if (!IsToken(name))
            {
                errors.Add($"Headers: '{name}' is not a valid header name.");
            }

            if (value is null || HasLineBreak(value))
            {
                errors.Add($"Headers: the value of '{name}' must not be null or contain line breaks.");
            }
        }

        if (BodyMapper is null)
        {
            errors.Add("BodyMapper is required.");
        }

        if (MaxErrorBodyChars < 0)
        {
            errors.Add($"MaxErrorBodyChars ({MaxErrorBodyChars}) must not be negative.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is required.");
        }

        return errors;
    }

    private static bool HasLineBreak(string value) => value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;

    // RFC 9110 section 5.6.2: a header name is a token of visible ASCII without separators.
    private static bool IsToken(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is <= ' ' or >= (char)0x7F || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
