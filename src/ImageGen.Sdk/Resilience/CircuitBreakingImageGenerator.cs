using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// One provider's circuit breaker (Polly.Core): after too many transient failures it fails calls at once with
/// <see cref="ImageGenerationErrorKind.Unavailable"/> and <see cref="ImageGenerationException.RetryAfter"/> = the time
/// until a probe is let through, so retry stops and fallback moves to the next provider. See
/// <see cref="CircuitBreakerOptions"/> for the thresholds and why the defaults fit image generation.
/// </summary>
/// <remarks>
/// <para>It sits inside retry, so every attempt counts. Server errors, time-outs and network failures count as
/// failures whatever <see cref="ImageGenerationException.IsTransient"/> says, and so do other transient failures;
/// other outcomes, including caller mistakes and content refusals, say the provider is healthy. Refusals of the local
/// layers below it (<see cref="ImageGenerationException.IsLocalRefusal"/>) and cancellations do not count: they never
/// got the provider's answer.</para>
/// <para>While half-open, the single probe decides: a success (or a provider's non-transient answer) closes the
/// circuit, a failure opens it again — and so does a probe that was cancelled or refused locally, because it proved
/// nothing and closing on it would let all traffic back in untested.</para>
/// </remarks>
public sealed partial class CircuitBreakingImageGenerator : DelegatingImageGenerator
{
    private readonly string? _provider;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<ImageGenerationResult> _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private long _halfOpenAtTicks;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The provider pipeline below (attempt timeout, client).</param>
    /// <param name="options">The effective circuit breaker options of this provider.</param>
    /// <param name="provider">The provider name, for logs and errors.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are out of range.</exception>
    public CircuitBreakingImageGenerator(IImageGenerator innerGenerator, CircuitBreakerOptions options, string? provider = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [];
        options.Validate(nameof(CircuitBreakerOptions), errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _provider = provider;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _pipeline = new ResiliencePipelineBuilder<ImageGenerationResult> { TimeProvider = _timeProvider, Name = "ImageGen.CircuitBreaker", InstanceName = provider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ImageGenerationResult>
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ShouldHandle = args => new ValueTask<bool>(IsFailure(args.Outcome, args.Context.CancellationToken)),
                OnOpened = args =>
                {
                    Interlocked.Exchange(ref _halfOpenAtTicks, (_timeProvider.GetUtcNow() + args.BreakDuration).UtcTicks);
                    if (args.Outcome.Exception is { } e && (args.Context.CancellationToken.IsCancellationRequested || !TransientFailures.CountsAgainstCircuit(e)))
                    {
                        LogProbeInconclusive(_logger, ProviderName, TransientFailures.Describe(e), (long)args.BreakDuration.TotalMilliseconds);
                    }
                    else
                    {
                        LogOpened(_logger, ProviderName, (long)args.BreakDuration.TotalMilliseconds);
                    }

                    return default;
                },
                OnHalfOpened = _ =>
                {
                    LogHalfOpened(_logger, ProviderName);
                    return default;
                },
                OnClosed = _ =>
                {
                    LogClosed(_logger, ProviderName);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Gets whether the circuit is closed (calls flow), open (calls fail at once) or half-open (one probe).</summary>
    internal CircuitState State => _state.CircuitState;

    private string ProviderName => _provider ?? "(unnamed)";

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Outcome<ImageGenerationResult> outcome = await PipelineExecution.ExecuteAsync(_pipeline, InnerGenerator, request, cancellationToken).ConfigureAwait(false);

        if (outcome.Exception is BrokenCircuitException broken)
        {
            throw CreateOpenCircuitException(broken);
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }

    /// <summary>Decides whether an outcome counts as a provider failure (Polly's "handled").</summary>
    private bool IsFailure(Outcome<ImageGenerationResult> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is not { } exception)
        {
            return false;
        }

        if (!cancellationToken.IsCancellationRequested && TransientFailures.CountsAgainstCircuit(exception))
        {
            return true;
        }

        // Polly closes a half-open circuit on any outcome it does not handle. A probe that was cancelled (by the
        // caller or the total time-out above) or refused by a local layer never got the provider's answer, so it
        // must not let traffic back in: counting it re-opens the circuit for another break, the only other move
        // Polly offers once the probe has started.
        return _state.CircuitState == CircuitState.HalfOpen
            && (cancellationToken.IsCancellationRequested || TransientFailures.IsInconclusive(exception));
    }

    private ImageGenerationException CreateOpenCircuitException(BrokenCircuitException broken)
    {
        TimeSpan retryAfter = broken.RetryAfter
            ?? new DateTimeOffset(Interlocked.Read(ref _halfOpenAtTicks), TimeSpan.Zero) - _timeProvider.GetUtcNow();
        if (retryAfter < TimeSpan.Zero)
        {
            retryAfter = TimeSpan.Zero;
        }

        // A local refusal: retry stops at once and the circuit does not count it.
        return new ImageGenerationException(
            ImageGenerationErrorKind.Unavailable,
            $"Provider '{ProviderName}' is unavailable: its circuit is open after repeated failures; it will be tried again in {Math.Ceiling(retryAfter.TotalSeconds)} s.")
        {
            Provider = _provider,
            RetryAfter = retryAfter,
            IsLocalRefusal = true,
        };
    }

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning,
        Message = "Circuit of image provider {Provider} opened after repeated failures; calls fail at once for {BreakMs} ms")]
    private static partial void LogOpened(ILogger logger, string provider, long breakMs);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning,
        Message = "Half-open probe of image provider {Provider} ended without the provider's answer ({Outcome}); the circuit stays open for another {BreakMs} ms")]
    private static partial void LogProbeInconclusive(ILogger logger, string provider, string outcome, long breakMs);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information,
        Message = "Circuit of image provider {Provider} is half-open; the next call probes it")]
    private static partial void LogHalfOpened(ILogger logger, string provider);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information,
        Message = "Circuit of image provider {Provider} closed; calls flow again")]
    private static partial void LogClosed(ILogger logger, string provider);
}
