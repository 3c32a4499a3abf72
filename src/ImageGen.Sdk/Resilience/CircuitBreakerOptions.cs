namespace ImageGen.Sdk;

/// <summary>
/// Circuit breaker options of a provider pipeline: <c>ImageGeneration:CircuitBreaker</c> for every provider,
/// overridden per provider by <c>ImageGeneration:Providers:{name}:CircuitBreaker</c> (named options per provider, as
/// for <see cref="RetryOptions"/>: keys a provider does not set keep the global value).
/// </summary>
/// <remarks>
/// <para>
/// Each provider has its own circuit. It counts every attempt (it sits inside retry); transient failures (rate
/// limits, 5xx, time-outs, network failures) count against it, other outcomes count as successes. When at least
/// <see cref="MinimumThroughput"/> attempts in <see cref="SamplingDuration"/> failed at a ratio of at least
/// <see cref="FailureRatio"/>, the circuit opens: calls fail at once with
/// <see cref="ImageGenerationErrorKind.Unavailable"/> and <see cref="ImageGenerationException.RetryAfter"/> set to the
/// time left, and fallback moves to the next provider. After <see cref="BreakDuration"/> one probe call is let through
/// (half-open); its success closes the circuit, its failure opens it again. Under <c>AddImageGeneration()</c> only
/// providers with a fallback provider get one unless <see cref="Enabled"/> says otherwise (see there why).
/// </para>
/// <para>
/// The defaults are sized for image latencies, not for the 100 ms calls HTTP resilience defaults assume
/// (ratio 0.1, 100 calls in 30 s, 5 s break): a successful image call takes 5–30 s, so an app rarely completes 100
/// calls in 30 s and such a breaker would never trip. Failures, in contrast, usually return within a second (429,
/// 503, connection refused), so 10 attempts in 60 s are reached quickly during an outage — one caller retrying 3
/// times produces 4 of them. A ratio of 0.5 keeps a few slow time-outs among healthy calls from tripping it, and a
/// 30 s break is about one image call: long enough for a provider to shed load, short enough not to strand traffic
/// on a fallback provider.
/// </para>
/// </remarks>
public sealed class CircuitBreakerOptions
{
    /// <summary>Gets or sets a value indicating whether the provider has a circuit breaker.</summary>
    /// <remarks>
    /// Unset, <c>AddImageGeneration()</c> gives a provider a breaker only when <c>ImageGeneration:Fallback</c> lists
    /// another provider for its calls to move to. A breaker counts attempts, and a provider whose calls recover on
    /// retry (a 429, then a success) still fails many attempts: with nowhere else to go, opening the circuit would
    /// only turn calls that were about to succeed into <see cref="ImageGenerationErrorKind.Unavailable"/> refusals
    /// (LiteLLM, likewise, never cools down the only deployment of a model). <see langword="true"/> adds it anyway
    /// (to shed load from a struggling provider at the price of such refusals); <see langword="false"/> never adds it.
    /// <c>UseCircuitBreaker</c> composed by hand adds it unless this is <see langword="false"/>.
    /// </remarks>
    /// <value><see langword="null"/>: on for providers with a fallback provider, off for the only one.</value>
    public bool? Enabled { get; set; }

    /// <summary>Gets or sets the ratio of failed attempts in the sampling window that opens the circuit (above 0, at most 1).</summary>
    /// <value>0.5.</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets how many attempts the sampling window needs before the ratio is judged (at least 2).</summary>
    /// <value>10.</value>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets the sliding window over which the failure ratio is measured (at least 0.5 s).</summary>
    /// <value>60 seconds.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long the circuit stays open before a probe call is let through (at least 0.5 s).</summary>
    /// <value>30 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Copies every value to <paramref name="target"/>: the first step of a provider's effective options,
    /// which then bind the provider's own section on top.</summary>
    /// <param name="target">The options to overwrite.</param>
    internal void CopyTo(CircuitBreakerOptions target)
    {
        target.Enabled = Enabled;
        target.FailureRatio = FailureRatio;
        target.MinimumThroughput = MinimumThroughput;
        target.SamplingDuration = SamplingDuration;
        target.BreakDuration = BreakDuration;
    }

    /// <summary>Checks the options; each message starts with the key it is about (<c>MaxRetries must be ...</c>).</summary>
    /// <returns>The problems, none when the options are valid.</returns>
    internal IEnumerable<string> Problems()
    {
        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            yield return $"FailureRatio must be above 0 and at most 1; it is {FailureRatio}.";
        }

        if (MinimumThroughput < 2)
        {
            yield return $"MinimumThroughput must be at least 2; it is {MinimumThroughput}.";
        }

        if (SamplingDuration < TimeSpan.FromMilliseconds(500) || SamplingDuration > TimeSpan.FromHours(24))
        {
            yield return $"SamplingDuration must be between 00:00:00.500 and 1.00:00:00; it is {SamplingDuration}.";
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromHours(24))
        {
            yield return $"BreakDuration must be between 00:00:00.500 and 1.00:00:00; it is {BreakDuration}.";
        }
    }

    /// <summary>Checks the options; each message names the configuration key under <paramref name="path"/>.</summary>
    /// <param name="path">The configuration path, for example <c>ImageGeneration:Retry</c>.</param>
    /// <param name="errors">Receives the problems.</param>
    internal void Validate(string path, ICollection<string> errors)
    {
        foreach (string problem in Problems())
        {
            errors.Add($"{path}:{problem}");
        }
    }
}
