using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Personalization.Delivery.Dispatch;

/// <summary>
/// Sends emails through an HTTP email API: one JSON <c>POST</c> per attempt to <see cref="HttpEmailApiOptions.Endpoint"/>,
/// with the API key, the send key as idempotency key and the body made by <see cref="HttpEmailApiOptions.BodyMapper"/>.
/// </summary>
/// <remarks>
/// <para>Any 2xx answer is success. 408, 429 and 5xx answers, connection failures and HTTP timeouts are transient
/// failures; a <c>Retry-After</c> on a 429 or 503 answer (seconds or an HTTP date) becomes
/// <see cref="EmailDispatchException.RetryAfter"/>. Any other answer (other 4xx, or a redirect) is permanent, with the
/// status code and the start of the response body in the message.</para>
/// <para>Redirects are not followed by the dispatcher's own <see cref="HttpClient"/>: a moved endpoint is a
/// configuration error to fix, and following it would turn some <c>POST</c>s into <c>GET</c>s.</para>
/// </remarks>
public sealed class HttpEmailDispatcher : IEmailDispatcher, IDisposable
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly Uri _endpoint;
    private readonly string _endpointForErrors;
    private readonly string? _apiKeyHeader;
    private readonly string? _apiKeyValue;
    private readonly string? _idempotencyKeyHeader;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly Func<EmailMessage, JsonNode> _bodyMapper;
    private readonly int _maxErrorBodyChars;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a dispatcher with its own <see cref="HttpClient"/>, disposed with the dispatcher.</summary>
    /// <param name="options">The endpoint, key and body; copied, so later changes have no effect.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every bad setting.</exception>
    public HttpEmailDispatcher(HttpEmailApiOptions options)
        : this(options, CreateHttpClient(), ownsHttpClient: true)
    {
    }

    /// <summary>Creates a dispatcher that sends with <paramref name="httpClient"/> (from <c>IHttpClientFactory</c>, for
    /// example), which stays the caller's to dispose.</summary>
    /// <param name="options">The endpoint, key and body; copied, so later changes have no effect.</param>
    /// <param name="httpClient">The client to send with.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every bad setting.</exception>
    public HttpEmailDispatcher(HttpEmailApiOptions options, HttpClient httpClient)
        : this(options, httpClient ?? throw new ArgumentNullException(nameof(httpClient)), ownsHttpClient: false)
    {
    }

    private HttpEmailDispatcher(HttpEmailApiOptions options, HttpClient httpClient, bool ownsHttpClient)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(options);
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                throw new ArgumentException(
                    $"The HTTP email API options are not valid: {string.Join(" ", errors)}", nameof(options));
            }
        }
        catch when (ownsHttpClient)
        {
            httpClient.Dispose();
            throw;
        }

        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _endpoint = options.Endpoint!;
        // Error messages end up in logs and dead letters: leave out a query string, which may carry a key.
        _endpointForErrors = _endpoint.GetLeftPart(UriPartial.Path);
        if (options.ApiKey is not null)
        {
            _apiKeyHeader = options.ApiKeyHeader;
            _apiKeyValue = options.ApiKeyPrefix + options.ApiKey;
        }

        _idempotencyKeyHeader = string.IsNullOrEmpty(options.IdempotencyKeyHeader) ? null : options.IdempotencyKeyHeader;
        _headers = [.. options.Headers];
        _bodyMapper = options.BodyMapper;
        _maxErrorBodyChars = options.MaxErrorBodyChars;
        _timeProvider = options.TimeProvider;
    }

    /// <inheritdoc/>
    public string Name => "http";

    /// <summary>Posts <paramref name="message"/> once.</summary>
    /// <param name="message">The message to send.</param>
    /// <param name="cancellationToken">Abandons the request.</param>
    /// <exception cref="EmailDispatchException">The API refused the message, failed, or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task DispatchAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = CreateContent(message) };
        AddHeaders(request, message);

        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or IOException
            || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // An OperationCanceledException the caller did not ask for is HttpClient.Timeout.
            var what = error is OperationCanceledException ? "timed out" : "failed";
            throw new EmailDispatchException($"The request to the HTTP email API {_endpointForErrors} {what}: {error.Message}", error);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if the dispatcher made it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    /// <summary>Whether a response with <paramref name="status"/> may succeed on a later attempt.</summary>
    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // Re-resolve the endpoint now and then, so a long-running host follows DNS changes of the API.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });

    private ByteArrayContent CreateContent(EmailMessage message)
    {
        JsonNode body;
        try
        {
            body = _bodyMapper(message) ?? throw new InvalidOperationException("The body mapper returned null.");
        }
        catch (Exception error)
        {
            throw new EmailDispatchException(
                $"The HTTP email body of send {message.SendKey} could not be made: {error.Message}", permanent: true, innerException: error);
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body.WriteTo(writer);
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = s_json;
        return content;
    }

    private void AddHeaders(HttpRequestMessage request, EmailMessage message)
    {
        foreach (var (name, value) in _headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content!.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (_apiKeyHeader is not null)
        {
            request.Headers.Remove(_apiKeyHeader);
            request.Headers.TryAddWithoutValidation(_apiKeyHeader, _apiKeyValue);
        }

        if (_idempotencyKeyHeader is not null)
        {
            request.Headers.Remove(_idempotencyKeyHeader);
            request.Headers.TryAddWithoutValidation(_idempotencyKeyHeader, message.SendKey);
        }
    }

    private async Task<EmailDispatchException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        string body;
        try
        {
            body = await ReadStartAsync(response.Content, _maxErrorBodyChars, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or IOException
            || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            body = $"(the body could not be read: {error.Message})";
        }

        // HTTP/2 and HTTP/3 have no reason phrase.
        var reason = string.IsNullOrEmpty(response.ReasonPhrase) ? status.ToString() : response.ReasonPhrase;
        var text = $"The HTTP email API {_endpointForErrors} answered {(int)status} {reason}"
            + (body.Length > 0 ? $": {body}" : ".");
        if (!IsTransient(status))
        {
            return new EmailDispatchException(text, permanent: true);
        }

        var retryAfter = status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
            ? RetryAfterOf(response.Headers.RetryAfter)
            : null;
        return new EmailDispatchException(text, permanent: false, retryAfter);
    }

    private TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    // Reads at most enough bytes for maxChars characters, so a huge error page costs no more than a short one.
    private static async Task<string> ReadStartAsync(HttpContent content, int maxChars, CancellationToken cancellationToken)
    {
        if (maxChars == 0)
        {
            return string.Empty;
        }

        var limit = (maxChars * 4) + 4;
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var read = 0;
                int n;
                while (read < limit && (n = await stream.ReadAsync(buffer.AsMemory(read, limit - read), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }

                var text = Encoding.UTF8.GetString(buffer, 0, read).Trim();
                return text.Length > maxChars ? string.Concat(text.AsSpan(0, maxChars), "…") : text;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
