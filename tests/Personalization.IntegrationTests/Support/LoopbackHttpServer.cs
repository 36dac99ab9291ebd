using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Personalization.IntegrationTests.Support;

/// <summary>A request the <see cref="LoopbackHttpServer"/> received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Headers">The headers, by case-insensitive name (repeated headers joined with commas).</param>
/// <param name="Body">The body, decoded as UTF-8.</param>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body parsed as JSON.</summary>
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");

    /// <summary>The value of <paramref name="name"/>, or <see langword="null"/> when the request did not carry it.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A scripted answer of the <see cref="LoopbackHttpServer"/>.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The body (sent as <c>application/json</c> when it starts with <c>{</c>, else as text).</param>
/// <param name="Headers">Extra response headers, such as <c>Retry-After</c>.</param>
public sealed record ScriptedResponse(int Status, string Body = "", params (string Name, string Value)[] Headers)
{
    /// <summary>A <c>200 OK</c> with a small JSON body.</summary>
    public static ScriptedResponse Ok { get; } = new(200, """{"id":"accepted"}""");

    /// <summary>No answer at all: the request is held open until the server stops (a hung API).</summary>
    public static ScriptedResponse NoAnswer { get; } = new(0) { Hangs = true };

    /// <summary>Whether the server never answers this request.</summary>
    public bool Hangs { get; init; }
}

/// <summary>
/// A real HTTP server on <c>http://127.0.0.1:&lt;free port&gt;/</c> (<see cref="HttpListener"/>) that records every
/// request and answers with a script of responses, then with <see cref="DefaultResponse"/> once the script runs out.
/// Requests are answered concurrently, so a hung request does not hold up the next one.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Queue<ScriptedResponse> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _handlers = [];
    private readonly Task _loop;
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LoopbackHttpServer(HttpListener listener, Uri baseUri)
    {
        _listener = listener;
        BaseUri = baseUri;
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The server's root, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The answer once the script has run out.</summary>
    public ScriptedResponse DefaultResponse { get; set; } = ScriptedResponse.Ok;

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static LoopbackHttpServer Start()
    {
        // Another process may take the free port between the probe and the listener: try a few ports.
        for (var attempt = 1; ; attempt++)
        {
            var baseUri = new Uri($"http://127.0.0.1:{LoopbackPorts.Unused()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(baseUri.ToString());
            try
            {
                listener.Start();
                return new LoopbackHttpServer(listener, baseUri);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>A URL on this server.</summary>
    public Uri Url(string path) => new(BaseUri, path);

    /// <summary>Adds answers to the end of the script.</summary>
    public LoopbackHttpServer Reply(params ScriptedResponse[] responses)
    {
        lock (_lock)
        {
            foreach (var response in responses)
            {
                _script.Enqueue(response);
            }
        }

        return this;
    }

    /// <summary>Waits until the server has received <paramref name="count"/> requests (real time, at most
    /// <paramref name="timeout"/>, 10 seconds by default) and returns the last of them.</summary>
    public async Task<RecordedRequest> WaitForRequestAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task received;
            lock (_lock)
            {
                if (_requests.Count >= count)
                {
                    return _requests[count - 1];
                }

                received = _received.Task;
            }

            try
            {
                await received.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The server received {Requests.Count} requests, not {count}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _loop;
        Task[] handlers;
        lock (_lock)
        {
            handlers = [.. _handlers];
        }

        await Task.WhenAll(handlers);
        _listener.Close();
        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var handler = Task.Run(() => AnswerSafelyAsync(context));
            lock (_lock)
            {
                _handlers.Add(handler);
            }
        }
    }

    private async Task AnswerSafelyAsync(HttpListenerContext context)
    {
        try
        {
            await AnswerAsync(context);
        }
        catch (Exception error) when (error is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away (an abandoned attempt) or the server is stopping: nothing to answer.
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = request.Headers[name] ?? string.Empty;
            }
        }

        var recorded = new RecordedRequest(request.HttpMethod, request.Url?.AbsolutePath ?? "/", headers, body);
        ScriptedResponse answer;
        TaskCompletionSource received;
        lock (_lock)
        {
            _requests.Add(recorded);
            answer = _script.Count > 0 ? _script.Dequeue() : DefaultResponse;
            received = _received;
            _received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        received.SetResult();
        if (answer.Hangs)
        {
            await Task.Delay(Timeout.Infinite, _stopping.Token);
        }

        var response = context.Response;
        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            response.AppendHeader(name, value);
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        response.ContentType = answer.Body.StartsWith('{') ? "application/json" : "text/plain; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
