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
/// retried: local refusals — <see cref="ImageGenerationErrorKind.RateLimited"/> or
/// <see cref="ImageGenerationErrorKind.Unavailable"/> without an HTTP status, from the rate limiter, key rotation or an
/// open circuit below, which already waited as long as they were allowed (fallback above may still move on) — and the
/// caller's cancellation.
/// </para>
/// <para>
/// A server's positive <see cref="ImageGenerationException.RetryAfter"/> replaces the computed backoff (zero or
/// negative, such as an HTTP date in the past, falls back to the backoff); one above
/// <see cref="RetryOptions.MaxRetryAfter"/> fails the call at once with that <c>RetryAfter</c>. No wait outlives the
/// caller's token or <see cref="RetryOptions.TotalTimeout"/>: a wait that would end after the total time-out fails the
/// call now instead, and cancellation during a wait returns at once without another attempt.
/// </para>
/// <para>The result's <see cref="ImageGenerationResult.Attempts"/> counts the attempts; a failed call's exception
/// carries them too (read by fallback). No Polly exception type reaches the caller: the total time-out and an
/// <c>HttpClient.Timeout</c> become <see cref="ImageGenerationErrorKind.Timeout"/>, connection errors
/// <see cref="ImageGenerationErrorKind.Network"/>.</para>
/// </remarks>
public sealed partial class RetryingImageGenerator : DelegatingImageGenerator
{
    private static readonly ResiliencePropertyKey<CallState> StateKey = new("ImageGen.Retry.Call");

    private readonly RetryOptions _options;
    private readonly string? _provider;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<double> _random;
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
        _random = random ?? Random.Shared.NextDouble;
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
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args)),
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
        CallState state = new(InnerGenerator, request, request.MaxRetries ?? _options.MaxRetries, _timeProvider.GetTimestamp());
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

    private Exception Fail(Exception exception, CallState state, CancellationToken cancellationToken)
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

        string reason = exception is TimeoutRejectedException ? "total timeout elapsed" : state.StopReason ?? "not retried";
        if (final is ImageGenerationException failure)
        {
            failure.Attempts = state.Attempts;
        }

        if (_logger.IsEnabled(LogLevel.Warning))
        {
            LogGaveUp(_logger, final, ProviderName, state.Attempts, state.MaxRetries + 1, TransientFailures.Describe(final), reason);
        }

        return final;
    }

    private bool ShouldRetry(RetryPredicateArguments<ImageGenerationResult> args)
    {
        if (args.Outcome.Exception is not { } exception)
        {
            return false;
        }

        CallState state = GetState(args.Context);

        // The caller cancelled or the total time-out fired: nothing more is sent.
        if (args.Context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        // The rate limiter, key rotation and circuit breaker below already waited as long as they were allowed to;
        // repeating the call would only wait again or be refused again. Fallback above may still move on.
        if (TransientFailures.IsLocalRefusal(exception))
        {
            state.StopReason = "refused locally before reaching the provider";
            return false;
        }

        if (!TransientFailures.IsTransient(exception))
        {
            state.StopReason = "not transient";
            return false;
        }

        if (args.AttemptNumber >= state.MaxRetries)
        {
            state.StopReason = state.MaxRetries == 0 ? "retries disabled" : "no retries left";
            return false;
        }

        TimeSpan delay;
        // A zero or negative Retry-After (an HTTP date already past, a clock skew) is no reason to retry with no
        // backoff at all: the computed backoff applies instead.
        if (_options.RespectRetryAfter && exception is ImageGenerationException { RetryAfter: { } requested } && requested > TimeSpan.Zero)
        {
            if (requested > _options.MaxRetryAfter)
            {
                state.StopReason = $"the provider asked to wait {(long)requested.TotalMilliseconds} ms, more than MaxRetryAfter ({(long)_options.MaxRetryAfter.TotalMilliseconds} ms)";
                return false;
            }

            delay = requested;
        }
        else
        {
            delay = ComputeBackoff(args.AttemptNumber);
        }

        if (_timeProvider.GetElapsedTime(state.StartTimestamp) + delay >= _options.TotalTimeout)
        {
            state.StopReason = $"waiting {(long)delay.TotalMilliseconds} ms would pass the total timeout ({_options.TotalTimeout})";
            return false;
        }

        state.NextDelay = delay;
        return true;
    }

    /// <summary>The wait before retry number <paramref name="attemptNumber"/> + 1: capped at MaxDelay, then jittered to between half and all of itself.</summary>
    internal TimeSpan ComputeBackoff(int attemptNumber)
    {
        double baseMs = _options.BaseDelay.TotalMilliseconds;
        double ms = _options.BackoffType switch
        {
            RetryBackoffType.Constant => baseMs,
            RetryBackoffType.Linear => baseMs * (attemptNumber + 1),
            _ => baseMs * Math.Pow(2, Math.Min(attemptNumber, 30)),
        };
        ms = Math.Min(ms, _options.MaxDelay.TotalMilliseconds);
        if (_options.UseJitter)
        {
            ms *= 0.5 + (0.5 * _random());
        }

        return TimeSpan.FromMilliseconds(ms);
    }

    private static CallState GetState(ResilienceContext context) => context.Properties.GetValue(StateKey, null!);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Image generation on {Provider}: attempt {Attempt}/{MaxAttempts} failed: {Kind}; retrying in {DelayMs} ms")]
    private static partial void LogAttemptFailed(ILogger logger, string provider, int attempt, int maxAttempts, string kind, long delayMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "Image generation on {Provider}: attempt {Attempt}/{MaxAttempts} failed: {Kind}; giving up ({Reason})")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string provider, int attempt, int maxAttempts, string kind, string reason);

    /// <summary>What one call carries through the pipeline.</summary>
    private sealed class CallState(IImageGenerator inner, ImageGenerationRequest request, int maxRetries, long startTimestamp)
    {
        public int MaxRetries { get; } = maxRetries;

        public long StartTimestamp { get; } = startTimestamp;

        public int Attempts { get; private set; }

        public TimeSpan NextDelay { get; set; }

        public string? StopReason { get; set; }

        public async ValueTask<Outcome<ImageGenerationResult>> AttemptAsync(CancellationToken cancellationToken)
        {
            Attempts++;
            try
            {
                return Outcome.FromResult(await inner.GenerateAsync(request, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception exception)
            {
                return Outcome.FromException<ImageGenerationResult>(exception);
            }
        }
    }
}
