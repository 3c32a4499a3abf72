namespace ImageGen.Sdk;

/// <summary>
/// Retry and timeout options of a provider pipeline: <c>ImageGeneration:Retry</c> for every provider, overridden per
/// provider by <c>ImageGeneration:Providers:{name}:Retry</c>.
/// </summary>
/// <remarks>
/// A per-provider object inherits every property it does not set from the global one (the setters record what was
/// set, so configuration binding, which only calls setters for keys that are present, overrides key by key):
/// <c>Providers:openai:Retry:MaxRetries = 5</c> changes only the retries of <c>openai</c>.
/// </remarks>
public sealed class RetryOptions
{
    /// <summary>The default of <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 3;

    /// <summary>The largest accepted <see cref="MaxRetries"/>.</summary>
    public const int MaxRetriesLimit = 10;

    private int? _maxRetries;
    private TimeSpan? _baseDelay;
    private TimeSpan? _maxDelay;
    private RetryBackoffType? _backoffType;
    private bool? _useJitter;
    private bool? _respectRetryAfter;
    private TimeSpan? _maxRetryAfter;
    private TimeSpan? _attemptTimeout;
    private TimeSpan? _totalTimeout;

    /// <summary>Gets or sets how many times a transient failure is retried; 0 disables retries.
    /// <see cref="ImageGenerationRequest.MaxRetries"/> overrides it per call.</summary>
    /// <value>3 (so at most 4 attempts).</value>
    public int MaxRetries { get => _maxRetries ?? DefaultMaxRetries; set => _maxRetries = value; }

    /// <summary>Gets or sets the first wait of the backoff.</summary>
    /// <value>1 second.</value>
    public TimeSpan BaseDelay { get => _baseDelay ?? TimeSpan.FromSeconds(1); set => _baseDelay = value; }

    /// <summary>Gets or sets the longest computed backoff wait (a server's Retry-After is bounded by <see cref="MaxRetryAfter"/> instead).</summary>
    /// <value>60 seconds.</value>
    public TimeSpan MaxDelay { get => _maxDelay ?? TimeSpan.FromSeconds(60); set => _maxDelay = value; }

    /// <summary>Gets or sets how the wait grows between retries.</summary>
    /// <value><see cref="RetryBackoffType.Exponential"/>.</value>
    public RetryBackoffType BackoffType { get => _backoffType ?? RetryBackoffType.Exponential; set => _backoffType = value; }

    /// <summary>Gets or sets a value indicating whether each computed wait is randomised to between half and all of
    /// itself, so clients that failed together do not retry together.</summary>
    /// <value><see langword="true"/>.</value>
    public bool UseJitter { get => _useJitter ?? true; set => _useJitter = value; }

    /// <summary>Gets or sets a value indicating whether a provider's requested delay replaces the computed backoff.
    /// Providers put any delay the server sends into <see cref="ImageGenerationException.RetryAfter"/> (the OpenAI and
    /// Azure providers read <c>retry-after-ms</c> and <c>retry-after</c> in seconds or as an HTTP date; Gemini's body
    /// <c>RetryInfo.retryDelay</c> will come with the Gemini provider). Only a positive delay replaces the backoff: zero
    /// or negative (a date already past) uses the computed backoff.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RespectRetryAfter { get => _respectRetryAfter ?? true; set => _respectRetryAfter = value; }

    /// <summary>Gets or sets the longest server-requested delay the layer waits; a longer one fails the call at once,
    /// with <see cref="ImageGenerationException.RetryAfter"/> set, so fallback or the caller decides.</summary>
    /// <value>2 minutes.</value>
    public TimeSpan MaxRetryAfter { get => _maxRetryAfter ?? TimeSpan.FromMinutes(2); set => _maxRetryAfter = value; }

    /// <summary>Gets or sets how long one provider attempt may take before it is abandoned as a (retryable) time-out.</summary>
    /// <value>60 seconds (GPT image calls at high quality take 20–40 s).</value>
    public TimeSpan AttemptTimeout { get => _attemptTimeout ?? TimeSpan.FromSeconds(60); set => _attemptTimeout = value; }

    /// <summary>Gets or sets how long one call may take, across all its attempts and waits; no retry starts a wait that
    /// would end after it.</summary>
    /// <remarks>With <c>ImageGeneration:Fallback</c>, <c>AddImageGeneration()</c> bounds the whole call, fallback
    /// included, by the total time-out of the provider the call starts on (its own, or the global one it inherits):
    /// the fallback providers share what is left, each also within its own total time-out, and when the time is up
    /// the call fails with <see cref="ImageGenerationErrorKind.Timeout"/> without trying another provider. A wait a
    /// fallback provider's retry started is cut off at that deadline. (Composed by hand, <see cref="Resilience.FallbackImageGenerator"/>
    /// has no such deadline: pass a <see cref="CancellationToken"/> with one.)</remarks>
    /// <value>5 minutes.</value>
    public TimeSpan TotalTimeout { get => _totalTimeout ?? TimeSpan.FromMinutes(5); set => _totalTimeout = value; }

    /// <summary>Creates the effective options of a provider: what this (override) object sets, the rest from <paramref name="parent"/>.</summary>
    /// <param name="parent">The global options.</param>
    /// <returns>A new, fully specified object.</returns>
    internal RetryOptions InheritFrom(RetryOptions parent) => new()
    {
        MaxRetries = _maxRetries ?? parent.MaxRetries,
        BaseDelay = _baseDelay ?? parent.BaseDelay,
        MaxDelay = _maxDelay ?? parent.MaxDelay,
        BackoffType = _backoffType ?? parent.BackoffType,
        UseJitter = _useJitter ?? parent.UseJitter,
        RespectRetryAfter = _respectRetryAfter ?? parent.RespectRetryAfter,
        MaxRetryAfter = _maxRetryAfter ?? parent.MaxRetryAfter,
        AttemptTimeout = _attemptTimeout ?? parent.AttemptTimeout,
        TotalTimeout = _totalTimeout ?? parent.TotalTimeout,
    };

    /// <summary>Checks the options; each message names the configuration key under <paramref name="path"/>.</summary>
    /// <param name="path">The configuration path, for example <c>ImageGeneration:Retry</c>.</param>
    /// <param name="errors">Receives the problems.</param>
    internal void Validate(string path, ICollection<string> errors)
    {
        if (MaxRetries is < 0 or > MaxRetriesLimit)
        {
            errors.Add($"{path}:MaxRetries must be between 0 and {MaxRetriesLimit}; it is {MaxRetries}.");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}:BaseDelay must be between 00:00:00 and 01:00:00; it is {BaseDelay}.");
        }

        if (MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}:MaxDelay must be between BaseDelay ({BaseDelay}) and 01:00:00; it is {MaxDelay}.");
        }

        if (!Enum.IsDefined(BackoffType))
        {
            errors.Add($"{path}:BackoffType must be Constant, Linear or Exponential.");
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}:MaxRetryAfter must be between 00:00:00 and 01:00:00; it is {MaxRetryAfter}.");
        }

        // Polly's timeout strategy accepts 10 ms to 24 h.
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromHours(24))
        {
            errors.Add($"{path}:AttemptTimeout must be between 00:00:00.010 and 1.00:00:00; it is {AttemptTimeout}.");
        }

        if (TotalTimeout < TimeSpan.FromMilliseconds(10) || TotalTimeout > TimeSpan.FromHours(24))
        {
            errors.Add($"{path}:TotalTimeout must be between 00:00:00.010 and 1.00:00:00; it is {TotalTimeout}.");
        }
    }
}
