namespace ImageGen.Sdk;

/// <summary>
/// Circuit breaker options of a provider pipeline: <c>ImageGeneration:CircuitBreaker</c> for every provider,
/// overridden per provider by <c>ImageGeneration:Providers:{name}:CircuitBreaker</c> (unset properties inherit).
/// </summary>
/// <remarks>
/// <para>
/// Each provider has its own circuit. It counts every attempt (it sits inside retry); transient failures (rate
/// limits, 5xx, time-outs, network failures) count against it, other outcomes count as successes. When at least
/// <see cref="MinimumThroughput"/> attempts in <see cref="SamplingDuration"/> failed at a ratio of at least
/// <see cref="FailureRatio"/>, the circuit opens: calls fail at once with
/// <see cref="ImageGenerationErrorKind.Unavailable"/> and <see cref="ImageGenerationException.RetryAfter"/> set to the
/// time left, and fallback moves to the next provider. After <see cref="BreakDuration"/> one probe call is let through
/// (half-open); its success closes the circuit, its failure opens it again.
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
    private bool? _enabled;
    private double? _failureRatio;
    private int? _minimumThroughput;
    private TimeSpan? _samplingDuration;
    private TimeSpan? _breakDuration;

    /// <summary>Gets or sets a value indicating whether the provider has a circuit breaker.</summary>
    /// <value><see langword="true"/>.</value>
    public bool Enabled { get => _enabled ?? true; set => _enabled = value; }

    /// <summary>Gets or sets the ratio of failed attempts in the sampling window that opens the circuit (above 0, at most 1).</summary>
    /// <value>0.5.</value>
    public double FailureRatio { get => _failureRatio ?? 0.5; set => _failureRatio = value; }

    /// <summary>Gets or sets how many attempts the sampling window needs before the ratio is judged (at least 2).</summary>
    /// <value>10.</value>
    public int MinimumThroughput { get => _minimumThroughput ?? 10; set => _minimumThroughput = value; }

    /// <summary>Gets or sets the sliding window over which the failure ratio is measured (at least 0.5 s).</summary>
    /// <value>60 seconds.</value>
    public TimeSpan SamplingDuration { get => _samplingDuration ?? TimeSpan.FromSeconds(60); set => _samplingDuration = value; }

    /// <summary>Gets or sets how long the circuit stays open before a probe call is let through (at least 0.5 s).</summary>
    /// <value>30 seconds.</value>
    public TimeSpan BreakDuration { get => _breakDuration ?? TimeSpan.FromSeconds(30); set => _breakDuration = value; }

    /// <summary>Creates the effective options of a provider: what this (override) object sets, the rest from <paramref name="parent"/>.</summary>
    /// <param name="parent">The global options.</param>
    /// <returns>A new, fully specified object.</returns>
    internal CircuitBreakerOptions InheritFrom(CircuitBreakerOptions parent) => new()
    {
        Enabled = _enabled ?? parent.Enabled,
        FailureRatio = _failureRatio ?? parent.FailureRatio,
        MinimumThroughput = _minimumThroughput ?? parent.MinimumThroughput,
        SamplingDuration = _samplingDuration ?? parent.SamplingDuration,
        BreakDuration = _breakDuration ?? parent.BreakDuration,
    };

    /// <summary>Checks the options (Polly's ranges); each message names the configuration key under <paramref name="path"/>.</summary>
    /// <param name="path">The configuration path, for example <c>ImageGeneration:CircuitBreaker</c>.</param>
    /// <param name="errors">Receives the problems.</param>
    internal void Validate(string path, ICollection<string> errors)
    {
        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            errors.Add($"{path}:FailureRatio must be above 0 and at most 1; it is {FailureRatio}.");
        }

        if (MinimumThroughput < 2)
        {
            errors.Add($"{path}:MinimumThroughput must be at least 2; it is {MinimumThroughput}.");
        }

        if (SamplingDuration < TimeSpan.FromMilliseconds(500) || SamplingDuration > TimeSpan.FromHours(24))
        {
            errors.Add($"{path}:SamplingDuration must be between 00:00:00.500 and 1.00:00:00; it is {SamplingDuration}.");
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromHours(24))
        {
            errors.Add($"{path}:BreakDuration must be between 00:00:00.500 and 1.00:00:00; it is {BreakDuration}.");
        }
    }
}
