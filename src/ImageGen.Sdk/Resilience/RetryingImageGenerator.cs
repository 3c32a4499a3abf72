using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// Retries transient failures of one provider with backoff, honouring the provider's Retry-After, inside a total
/// time-out for the whole call. Built on a Polly.Core pipeline (total timeout → retry) driven by an injected
/// <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// Transient: rate limits, 5xx, time-outs, network failures and truncated bodies — whatever the provider marked
/// <see cref="ImageGenerationException.IsTransient"/> (its <c>x-should-retry</c> header included), plus
/// <see cref="HttpRequestException"/>, <see cref="IOException"/> and <c>HttpClient.Timeout</c> that escaped it. The
/// provider's verdict wins for every kind (a 400 marked retryable by <c>x-should-retry: true</c> is retried) except
/// quota, budget, content filter, authentication and permission failures, which are never retried. Also never
/// retried: local refusals (<see cref="ImageGenerationException.IsLocalRefusal"/>: the rate limiter, key rotation, an
/// open circuit, a budget or quota below, which already waited as long as they were allowed; fallback above may still
/// move on) and the caller's cancellation. A local refusal is logged as such, not as a failed attempt: nothing was
/// sent.
/// </para>
/// <para>
/// A server's positive <see cref="ImageGenerationException.RetryAfter"/> replaces the computed backoff (zero or
/// negative, such as an HTTP date in the past, falls back to the backoff); one above
/// <see cref="RetryOptions.MaxRetryAfter"/> fails the call at once with that <c>RetryAfter</c>. No wait outlives the
/// caller's token or <see cref="RetryOptions.TotalTimeout"/>: a wait that would end after the total time-out fails the
/// call now instead, and cancellation during a wait returns at once without another attempt.
/// </para>
/// <para>The result's <see cref="ImageGenerationResult.Attempts"/> counts the attempts; a failed call's exception
/// carries them too (read by fallback), not counting an attempt a local layer refused before it was sent. No Polly exception type reaches the caller: the total time-out and an
/// <c>HttpClient.Timeout</c> become <see cref="ImageGenerationErrorKind.Timeout"/>, connection errors
/// <see cref="ImageGenerationErrorKind.Network"/>.</para>
/// </remarks>
public sealed partial class RetryingImageGenerator : DelegatingImageGenerator
{
    private static readonly ResiliencePropertyKey<RetryCallState> StateKey = new("ImageGen.Retry.Call");

    private readonly RetryOptions _options;
    private readonly string? _provider;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RetryAttemptPolicy _policy;
    private readonly ResiliencePipeline<ImageGenerationResult> _pipeline;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The provider pipeline below (circuit breaker, attempt timeout, client).</param>
    /// <param name="options">The effective retry options of this provider.</param>
    /// <param name="provider">The provider name, for logs and errors.</param>
    /// <param name="timeProvider">The clock for waits and time-outs; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are out of range.</exception>
    public RetryingImageGenerator(IImageGenerator innerGenerator, RetryOptions options, string? provider = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(innerGenerator, options, provider, timeProvider, logger, random: null)
    {
    }

    /// <summary>Initializes a new instance with a jitter source (tests).</summary>
    internal RetryingImageGenerator(IImageGenerator innerGenerator, RetryOptions options, string? provider, TimeProvider? timeProvider, ILogger? logger, Func<double>? random)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [];
        options.Validate(nameof(RetryOptions), errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        // A snapshot: later changes to the options object do not half-apply to calls in flight.
        _options = new RetryOptions();
        options.CopyTo(_options);
        _provider = provider;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;

        // Jitter only spreads retries apart; it needs no cryptographic randomness.
#pragma warning disable CA5394
        _policy = new RetryAttemptPolicy(_options, _timeProvider, random ?? Random.Shared.NextDouble);
#pragma warning restore CA5394

        _pipeline = new ResiliencePipelineBuilder<ImageGenerationResult> { TimeProvider = _timeProvider, Name = "ImageGen.Retry", InstanceName = provider }
            .AddTimeout(new TimeoutStrategyOptions { Name = "TotalTimeout", Timeout = _options.TotalTimeout })
            .AddRetry(new RetryStrategyOptions<ImageGenerationResult>
            {
                Name = "Retry",

                // The attempt limit is per call (ImageGenerationRequest.MaxRetries), so ShouldRetry enforces it.
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is { } exception
                    && _policy.ShouldRetry(exception, args.AttemptNumber, GetState(args.Context), args.Context.CancellationToken.IsCancellationRequested)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(GetState(args.Context).NextDelay),
                OnRetry = args =>
                {
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        int maxAttempts = GetState(args.Context).MaxRetries + 1;
                        string kind = TransientFailures.Describe(args.Outcome.Exception!);
                        LogAttemptFailed(_logger, ProviderName, args.AttemptNumber + 1, maxAttempts, kind, (long)args.RetryDelay.TotalMilliseconds);
                    }

                    return default;
                },
            })
            .Build();
    }

    private string ProviderName => _provider ?? "(unnamed)";

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><see cref="ImageGenerationRequest.MaxRetries"/> is outside 0..<see cref="RetryOptions.MaxRetriesLimit"/> (nothing is sent).</exception>
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Validation above checks this too; the layer also runs composed by hand, without validation.
        if (request.MaxRetries is < 0 or > RetryOptions.MaxRetriesLimit)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"MaxRetries must be between 0 and {RetryOptions.MaxRetriesLimit}; it was {request.MaxRetries}."),
                $"{nameof(request)}.{nameof(request.MaxRetries)}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        RetryCallState state = new(InnerGenerator, request, request.MaxRetries ?? _options.MaxRetries, _timeProvider.GetTimestamp());
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        Outcome<ImageGenerationResult> outcome;
        try
        {
            context.Properties.Set(StateKey, state);
            outcome = await _pipeline.ExecuteOutcomeAsync(static (ctx, s) => s.AttemptAsync(ctx.CancellationToken), context, state).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Exception is null)
        {
            // The layers below may report attempts of their own (a key rotation that tried a second key).
            ImageGenerationResult result = outcome.Result!;
            return new ImageGenerationResult(result) { Attempts = state.Attempts - 1 + result.Attempts };
        }

        ExceptionDispatchInfo.Capture(Fail(outcome.Exception, state, cancellationToken)).Throw();
        throw new InvalidOperationException("Unreachable.");
    }

    private Exception Fail(Exception exception, RetryCallState state, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return exception;
        }

        Exception final = exception switch
        {
            TimeoutRejectedException => new ImageGenerationException(
                ImageGenerationErrorKind.Timeout,
                $"Image generation on provider '{ProviderName}' did not finish within the total timeout of {_options.TotalTimeout} ({state.Attempts} attempt(s)).")
            {
                Provider = _provider,
            },
            HttpRequestException or IOException => new ImageGenerationException(
                ImageGenerationErrorKind.Network, $"The connection to provider '{ProviderName}' failed: {exception.Message}", exception)
            {
                Provider = _provider,
            },

            // HttpClient.Timeout of a custom provider: not the caller's cancellation, so not an OperationCanceledException.
            _ when TransientFailures.IsHttpClientTimeout(exception) => new ImageGenerationException(
                ImageGenerationErrorKind.Timeout, $"Provider '{ProviderName}' did not answer within its HTTP client's timeout: {exception.InnerException!.Message}", exception)
            {
                Provider = _provider,
            },
            _ => exception,
        };

        // A local refusal never reached the provider: its attempt is not one, and "attempt 1/4 failed" would say
        // something was sent.
        bool refused = TransientFailures.IsLocalRefusal(final);
        int attempts = refused ? state.Attempts - 1 : state.Attempts;
        if (final is ImageGenerationException failure)
        {
            failure.Attempts = attempts;
        }

        if (!_logger.IsEnabled(LogLevel.Warning))
        {
            return final;
        }

        if (refused)
        {
            LogRefused(_logger, final, ProviderName, TransientFailures.Describe(final), attempts);
        }
        else
        {
            string reason = exception is TimeoutRejectedException ? "total timeout elapsed" : state.StopReason ?? "not retried";
            LogGaveUp(_logger, final, ProviderName, state.Attempts, state.MaxRetries + 1, TransientFailures.Describe(final), reason);
        }

        return final;
    }

    /// <summary>The wait before retry number <paramref name="attemptNumber"/> + 1 (see <see cref="RetryAttemptPolicy.ComputeBackoff"/>).</summary>
    internal TimeSpan ComputeBackoff(int attemptNumber) => _policy.ComputeBackoff(attemptNumber);

    private static RetryCallState GetState(ResilienceContext context) => context.Properties.GetValue(StateKey, null!);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Image generation on {Provider}: attempt {Attempt}/{MaxAttempts} failed: {Kind}; retrying in {DelayMs} ms")]
    private static partial void LogAttemptFailed(ILogger logger, string provider, int attempt, int maxAttempts, string kind, long delayMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "Image generation on {Provider}: attempt {Attempt}/{MaxAttempts} failed: {Kind}; giving up ({Reason})")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string provider, int attempt, int maxAttempts, string kind, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Image generation on {Provider} was refused locally before reaching the provider ({Kind}) after {Attempts} provider attempt(s); not retried")]
    private static partial void LogRefused(ILogger logger, Exception exception, string provider, string kind, int attempts);
}
