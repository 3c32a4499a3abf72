namespace ImageGen.Sdk.Resilience;

/// <summary>
/// Decides whether a failed attempt is retried and how long the call waits first; the retry layer runs the attempts.
/// </summary>
/// <remarks>
/// The wait is decided together with the retry, not after it (as Polly's built-in backoff would): a wait that would
/// pass the total time-out, or a Retry-After above <see cref="RetryOptions.MaxRetryAfter"/>, must stop the call now
/// rather than start a wait that can only end in a time-out. So the backoff is computed here and handed to Polly's
/// <c>DelayGenerator</c>.
/// </remarks>
internal sealed class RetryAttemptPolicy(RetryOptions options, TimeProvider timeProvider, Func<double> random)
{
    /// <summary>Decides whether to retry after <paramref name="exception"/>; sets the wait, or the reason to stop, on <paramref name="state"/>.</summary>
    /// <param name="exception">The failure of the attempt.</param>
    /// <param name="attemptNumber">The attempt that failed, from 0.</param>
    /// <param name="state">The call.</param>
    /// <param name="cancelled">Whether the caller cancelled or the total time-out fired.</param>
    /// <returns><see langword="true"/> to retry after <see cref="RetryCallState.NextDelay"/>.</returns>
    public bool ShouldRetry(Exception exception, int attemptNumber, RetryCallState state, bool cancelled)
    {
        // The caller cancelled or the total time-out fired: nothing more is sent.
        if (cancelled)
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

        if (attemptNumber >= state.MaxRetries)
        {
            state.StopReason = state.MaxRetries == 0 ? "retries disabled" : "no retries left";
            return false;
        }

        TimeSpan delay;

        // A zero or negative Retry-After (an HTTP date already past, a clock skew) is no reason to retry with no
        // backoff at all: the computed backoff applies instead.
        if (options.RespectRetryAfter && exception is ImageGenerationException { RetryAfter: { } requested } && requested > TimeSpan.Zero)
        {
            if (requested > options.MaxRetryAfter)
            {
                state.StopReason = $"the provider asked to wait {(long)requested.TotalMilliseconds} ms, more than MaxRetryAfter ({(long)options.MaxRetryAfter.TotalMilliseconds} ms)";
                return false;
            }

            delay = requested;
        }
        else
        {
            delay = ComputeBackoff(attemptNumber);
        }

        if (timeProvider.GetElapsedTime(state.StartTimestamp) + delay >= options.TotalTimeout)
        {
            state.StopReason = $"waiting {(long)delay.TotalMilliseconds} ms would pass the total timeout ({options.TotalTimeout})";
            return false;
        }

        state.NextDelay = delay;
        return true;
    }

    /// <summary>The wait before retry number <paramref name="attemptNumber"/> + 1: capped at MaxDelay, then jittered to between half and all of itself.</summary>
    /// <param name="attemptNumber">The attempt that failed, from 0.</param>
    /// <returns>The wait.</returns>
    public TimeSpan ComputeBackoff(int attemptNumber)
    {
        double baseMs = options.BaseDelay.TotalMilliseconds;
        double ms = options.BackoffType switch
        {
            RetryBackoffType.Constant => baseMs,
            RetryBackoffType.Linear => baseMs * (attemptNumber + 1),
            _ => baseMs * Math.Pow(2, Math.Min(attemptNumber, 30)),
        };
        ms = Math.Min(ms, options.MaxDelay.TotalMilliseconds);
        if (options.UseJitter)
        {
            ms *= 0.5 + (0.5 * random());
        }

        return TimeSpan.FromMilliseconds(ms);
    }
}
