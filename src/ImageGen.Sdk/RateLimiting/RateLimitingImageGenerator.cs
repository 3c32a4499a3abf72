using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>
/// Holds each provider attempt until a client-side permit is free, and pauses the provider's traffic when it
/// answers 429 with a retry delay that the key layer below could not absorb, or reports that its allowance is
/// used up before it starts answering 429.
/// </summary>
/// <remarks>
/// <para>
/// A call that would wait past the configured maximum, or finds the queue full, fails at once with
/// <see cref="ImageGenerationErrorKind.RateLimited"/> and never reaches the provider. <c>RetryAfter</c> is the
/// limiter's estimate of when the next permit frees up.
/// </para>
/// <para>
/// Provider-wide back-off: a <see cref="ImageGenerationErrorKind.RateLimited"/> (one key) or
/// <see cref="ImageGenerationErrorKind.Unavailable"/> (every key cooling) failure with a <c>RetryAfter</c> coming
/// up from below pauses every call of this provider until the delay passes, so queued requests do not hammer it.
/// </para>
/// <para>
/// Header-driven slow-down: when a result or failure carries <see cref="ImageGenerationResult.RateLimit"/> /
/// <see cref="ImageGenerationException.RateLimit"/> (OpenAI's and Azure's <c>x-ratelimit-remaining-*</c> and
/// <c>x-ratelimit-reset-*</c> headers) saying 0 requests or tokens remain, with a known reset, the provider's
/// traffic pauses until the reset, so the next queued calls wait instead of earning a 429. Those numbers belong
/// to the key that made the call: when the pipeline below has a <see cref="Keys.KeyRotatingImageGenerator"/> with
/// several keys (asked once through <c>GetService</c>), that layer cools just the exhausted key and the others carry
/// on, so this layer ignores the numbers; with one key (or no key layer) the key's pause is the provider's pause and
/// happens here.
/// </para>
/// </remarks>
public sealed class RateLimitingImageGenerator : DelegatingImageGenerator
{
    private readonly string _provider;
    private readonly RateLimiter? _limiter;
    private readonly TimeSpan? _maxWait;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly bool _keysCoolFromRateLimitInfo;
    private readonly ProviderTrafficPause _pause = new();

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The key layer or provider client.</param>
    /// <param name="provider">The provider name, for messages and logs.</param>
    /// <param name="limiter">The permits to take before each attempt; <see langword="null"/> for back-off only. The caller owns it (it may be shared between pipelines), so this layer does not dispose it.</param>
    /// <param name="maxWait">The longest a call waits for a permit or a back-off; <see langword="null"/> for no maximum.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="provider"/> is blank or <paramref name="maxWait"/> is negative.</exception>
    public RateLimitingImageGenerator(
        IImageGenerator innerGenerator,
        string provider,
        RateLimiter? limiter,
        TimeSpan? maxWait = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
        : base(innerGenerator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        if (maxWait is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(maxWait));
        }

        _provider = provider;
        _limiter = limiter;
        _maxWait = maxWait;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _keysCoolFromRateLimitInfo = innerGenerator.GetService<Keys.KeyRotatingImageGenerator>() is { CoolsKeysFromRateLimitInfo: true };
    }

    /// <summary>Gets the time until which this provider's traffic is paused, or <see langword="null"/> when it is not.</summary>
    internal DateTimeOffset? PausedUntil => _pause.Until(_timeProvider.GetUtcNow());

    /// <summary>Pauses this provider's traffic until <paramref name="until"/> (a later pause already in place wins).</summary>
    /// <param name="until">When calls may flow again.</param>
    internal void PauseUntil(DateTimeOffset until)
    {
        if (_pause.TryExtend(until))
        {
            long pauseMs = (long)(until - _timeProvider.GetUtcNow()).TotalMilliseconds;
            RateLimitingLog.LogPaused(_logger, _provider, pauseMs);
        }
    }

    /// <inheritdoc />
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Fast path, no extra state machine: not paused and a permit is free at once.
        if (!_pause.IsSet)
        {
            if (_limiter is null)
            {
                return SendAsync(null, request, cancellationToken);
            }

            RateLimitLease lease = _limiter.AttemptAcquire(1);
            if (lease.IsAcquired)
            {
                return SendAsync(lease, request, cancellationToken);
            }

            lease.Dispose();
        }

        return WaitThenSendAsync(request, cancellationToken);
    }

    private async Task<ImageGenerationResult> WaitThenSendAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        TimeSpan pausedFor = await WaitForBackOffAsync(cancellationToken).ConfigureAwait(false);

        // The back-off and the permit wait share one MaxWait, so together they still end before the attempt timeout.
        TimeSpan? maxWait = _maxWait is { } total ? (total > pausedFor ? total - pausedFor : TimeSpan.Zero) : null;
        RateLimitLease? lease = _limiter is null ? null : await AcquireAsync(_limiter, maxWait, cancellationToken).ConfigureAwait(false);
        return await SendAsync(lease, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the call; when the layer below answers synchronously, returns its task without a state machine.</summary>
    private Task<ImageGenerationResult> SendAsync(RateLimitLease? lease, ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        // From here the permit is spent; a lease disposed before this point gives its permit back.
        RefundableRateLimitLease.MarkUsed(lease);
        Task<ImageGenerationResult> sent;
        try
        {
            sent = InnerGenerator.GenerateAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            // Observed through an await below, so it is handled (and a cancellation ends up cancelled) as if thrown there.
            sent = Task.FromException<ImageGenerationResult>(ex);
        }

        if (!sent.IsCompletedSuccessfully)
        {
            return CompleteAsync(lease, sent);
        }

        try
        {
            if (sent.Result.RateLimit is { } info)
            {
                PauseIfExhausted(info);
            }
        }
        finally
        {
            lease?.Dispose();
        }

        return sent;
    }

    private async Task<ImageGenerationResult> CompleteAsync(RateLimitLease? lease, Task<ImageGenerationResult> sent)
    {
        try
        {
            ImageGenerationResult result = await sent.ConfigureAwait(false);
            if (result.RateLimit is { } info)
            {
                PauseIfExhausted(info);
            }

            return result;
        }
        catch (ImageGenerationException ex)
        {
            if (ex.RetryAfter is { } delay && delay > TimeSpan.Zero
                && ex.Kind is ImageGenerationErrorKind.RateLimited or ImageGenerationErrorKind.Unavailable)
            {
                PauseUntil(_timeProvider.GetUtcNow() + delay);
            }

            if (ex.RateLimit is { } info)
            {
                PauseIfExhausted(info);
            }

            throw;
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>Pauses until the reset when the key reports its requests or tokens used up (see the remarks on the class).</summary>
    private void PauseIfExhausted(ProviderRateLimitInfo info)
    {
        if (_keysCoolFromRateLimitInfo || !ProviderRateLimitExhaustion.TryGetDelay(info, out TimeSpan delay, out string budget))
        {
            return;
        }

        if (_pause.TryExtend(_timeProvider.GetUtcNow() + delay))
        {
            long delayMs = (long)Math.Ceiling(delay.TotalMilliseconds);
            RateLimitingLog.LogExhausted(_logger, _provider, budget, delayMs);
        }
    }

    private async ValueTask<TimeSpan> WaitForBackOffAsync(CancellationToken cancellationToken)
    {
        TimeSpan remaining = _pause.Remaining(_timeProvider.GetUtcNow());
        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        if (_maxWait is { } maxWait && remaining > maxWait)
        {
            throw Refused($"provider '{_provider}' asked to slow down for {RateLimitingLog.Format(remaining)}, longer than MaxWait {RateLimitingLog.Format(maxWait)}", remaining);
        }

        long remainingMs = (long)Math.Ceiling(remaining.TotalMilliseconds);
        RateLimitingLog.LogWaiting(_logger, remainingMs, _provider);

        await Task.Delay(remaining, _timeProvider, cancellationToken).ConfigureAwait(false);
        return remaining;
    }

    private async ValueTask<RateLimitLease> AcquireAsync(RateLimiter limiter, TimeSpan? maxWait, CancellationToken cancellationToken)
    {
        // Fast path: nothing waits, no allocation beyond the lease.
        RateLimitLease lease = limiter.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            return lease;
        }

        TimeSpan? estimate = RetryAfterOf(lease);
        lease.Dispose();
        if (maxWait is { } allowed && (allowed == TimeSpan.Zero || estimate > allowed))
        {
            throw Refused($"the next permit of provider '{_provider}' frees up in {RateLimitingLog.Format(estimate)}, longer than MaxWait {RateLimitingLog.Format(allowed)}", estimate);
        }

        if (estimate is { } known)
        {
            long estimateMs = (long)Math.Ceiling(known.TotalMilliseconds);
            RateLimitingLog.LogWaiting(_logger, estimateMs, _provider);
        }
        else
        {
            RateLimitingLog.LogWaitingForSlot(_logger, _provider);
        }

        using CancellationTokenSource? timeout = maxWait is { } limit ? new CancellationTokenSource(limit, _timeProvider) : null;
        using CancellationTokenSource? linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            lease = await limiter.AcquireAsync(1, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            TimeSpan? retryAfter = CurrentRetryAfter(limiter);
            throw Refused($"no permit of provider '{_provider}' freed up within MaxWait {RateLimitingLog.Format(maxWait)}", retryAfter);
        }

        if (!lease.IsAcquired)
        {
            TimeSpan? retryAfter = RetryAfterOf(lease) ?? estimate;
            lease.Dispose();
            throw Refused($"the rate-limit queue of provider '{_provider}' is full", retryAfter);
        }

        return lease;
    }

    private static TimeSpan? CurrentRetryAfter(RateLimiter limiter)
    {
        using RateLimitLease probe = limiter.AttemptAcquire(0);
        return probe.IsAcquired ? null : RetryAfterOf(probe);
    }

    private static TimeSpan? RetryAfterOf(RateLimitLease lease)
        => lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : null;

    private ImageGenerationException Refused(string reason, TimeSpan? retryAfter)
        => new(ImageGenerationErrorKind.RateLimited, $"Client-side rate limit: {reason}; the call was not sent.")
        {
            Provider = _provider,
            RetryAfter = retryAfter,
            IsLocalRefusal = true,
        };
}
