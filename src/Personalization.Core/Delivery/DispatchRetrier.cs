using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Personalization.Delivery;

/// <summary>The result of sending one email with retries.</summary>
/// <param name="Sent">Whether an attempt succeeded.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="LastError">The last attempt's error when nothing succeeded.</param>
internal readonly record struct DispatchOutcome(bool Sent, int Attempts, Exception? LastError)
{
    /// <summary>Whether the last error was permanent (no retry could help).</summary>
    public bool Permanent => LastError is EmailDispatchException { Permanent: true };
}

/// <summary>
/// Calls an <see cref="IEmailDispatcher"/> with a Polly pipeline: a timeout per attempt inside exponential back-off
/// with jitter. Permanent failures are not retried; a platform's <c>Retry-After</c> replaces the back-off delay
/// (capped by <see cref="DeliveryRetryOptions.MaxDelay"/>).
/// </summary>
internal sealed class DispatchRetrier
{
    private static readonly ResiliencePropertyKey<EmailMessage> s_messageKey = new("personalization.email");

    private readonly IEmailDispatcher _dispatcher;
    private readonly ResiliencePipeline _pipeline;
    private readonly Action<EmailMessage, Exception, int>? _onRetry;

    /// <param name="dispatcher">The dispatcher to call.</param>
    /// <param name="options">Attempts, delays and the per-attempt timeout.</param>
    /// <param name="timeProvider">The clock for delays and timeouts.</param>
    /// <param name="onRetry">Called before each retry with the message, the error and the number of the attempt that failed (1-based).</param>
    public DispatchRetrier(IEmailDispatcher dispatcher, DeliveryRetryOptions options, TimeProvider timeProvider,
        Action<EmailMessage, Exception, int>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dispatcher = dispatcher;
        _onRetry = onRetry;
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome.Exception, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is EmailDispatchException { RetryAfter: { } after }
                        ? (TimeSpan?)(after < options.MaxDelay ? (after < TimeSpan.Zero ? TimeSpan.Zero : after) : options.MaxDelay)
                        : null),
                OnRetry = args =>
                {
                    if (_onRetry is not null && args.Outcome.Exception is { } error && args.Context.Properties.TryGetValue(s_messageKey, out var message))
                    {
                        _onRetry(message, error, args.AttemptNumber + 1);
                    }

                    return default;
                },
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        _pipeline = builder.Build();
    }

    /// <summary>The dispatcher's name.</summary>
    public string DispatcherName => _dispatcher.Name;

    /// <summary>Sends <paramref name="message"/>, retrying transient failures. Never throws for a failed send; throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<DispatchOutcome> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(s_messageKey, message);
        var state = new AttemptState(_dispatcher, message);
        try
        {
            await _pipeline.ExecuteAsync(
                static async (ctx, s) =>
                {
                    s.Attempts++;
                    await s.Dispatcher.DispatchAsync(s.Message, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                state).ConfigureAwait(false);
            return new DispatchOutcome(true, state.Attempts, null);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            return new DispatchOutcome(false, Math.Max(1, state.Attempts), error);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Whether <paramref name="error"/> may pass on a later attempt.</summary>
    internal static bool IsTransient(Exception? error, CancellationToken cancellationToken) => error switch
    {
        null => false,
        EmailDispatchException dispatch => !dispatch.Permanent,
        TimeoutRejectedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => true,
    };

    private sealed class AttemptState(IEmailDispatcher dispatcher, EmailMessage message)
    {
        public IEmailDispatcher Dispatcher { get; } = dispatcher;

        public EmailMessage Message { get; } = message;

        public int Attempts { get; set; }
    }
}
