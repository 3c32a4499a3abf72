namespace ImageGen.Sdk;

/// <summary>
/// Retry and timeout options of a provider pipeline: <c>ImageGeneration:Retry</c> for every provider, overridden per
/// provider by <c>ImageGeneration:Providers:{name}:Retry</c>.
/// </summary>
/// <remarks>
/// Under <c>AddImageGeneration()</c> each provider has named options, <c>IOptionsMonitor&lt;RetryOptions&gt;.Get(providerName)</c>:
/// the global values, then the provider's section bound on top (binding sets only the keys that are present), then
/// any <c>services.Configure&lt;RetryOptions&gt;(providerName, ...)</c> of the app. So
/// <c>Providers:openai:Retry:MaxRetries = 5</c> changes only the retries of <c>openai</c>.
/// </remarks>
public sealed class RetryOptions
{
    /// <summary>The default of <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 3;

    /// <summary>The largest accepted <see cref="MaxRetries"/>.</summary>
    public const int MaxRetriesLimit = 10;


    /// <summary>Gets or sets how many times a transient failure is retried; 0 disables retries.
    /// <see cref="ImageGenerationRequest.MaxRetries"/> overrides it per call.</summary>
    /// <value>3 (so at most 4 attempts).</value>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>Gets or sets the first wait of the backoff.</summary>
    /// <value>1 second.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest computed backoff wait (a server's Retry-After is bounded by <see cref="MaxRetryAfter"/> instead).</summary>
    /// <value>60 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how the wait grows between retries.</summary>
    /// <value><see cref="RetryBackoffType.Exponential"/>.</value>
    public RetryBackoffType BackoffType { get; set; } = RetryBackoffType.Exponential;

    /// <summary>Gets or sets a value indicating whether each computed wait is randomised to between half and all of
    /// itself, so clients that failed together do not retry together.</summary>
    /// <value><see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a provider's requested delay replaces the computed backoff.
    /// Providers put any delay the server sends into <see cref="ImageGenerationException.RetryAfter"/> (the OpenAI and
    /// Azure providers read <c>retry-after-ms</c> and <c>retry-after</c> in seconds or as an HTTP date; Gemini's body
    /// <c>RetryInfo.retryDelay</c> will come with the Gemini provider). Only a positive delay replaces the backoff: zero
    /// or negative (a date already past) uses the computed backoff.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RespectRetryAfter { get; set; } = true;

    /// <summary>Gets or sets the longest server-requested delay the layer waits; a longer one fails the call at once,
    /// with <see cref="ImageGenerationException.RetryAfter"/> set, so fallback or the caller decides.</summary>
    /// <value>2 minutes.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how long one provider attempt may take before it is abandoned as a (retryable) time-out.</summary>
    /// <value>60 seconds (GPT image calls at high quality take 20–40 s).</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long one call may take, across all its attempts and waits; no retry starts a wait that
    /// would end after it.</summary>
    /// <remarks>With <c>ImageGeneration:Fallback</c>, <c>AddImageGeneration()</c> bounds the whole call, fallback
    /// included, by the total time-out of the provider the call starts on (its own, or the global one it inherits):
    /// the fallback providers share what is left, each also within its own total time-out, and when the time is up
    /// the call fails with <see cref="ImageGenerationErrorKind.Timeout"/> without trying another provider. A wait a
    /// fallback provider's retry started is cut off at that deadline. (Composed by hand, <see cref="Resilience.FallbackImageGenerator"/>
    /// has no such deadline: pass a <see cref="CancellationToken"/> with one.)</remarks>
    /// <value>5 minutes.</value>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Copies every value to <paramref name="target"/>: the first step of a provider's effective options,
    /// which then bind the provider's own section on top.</summary>
    /// <param name="target">The options to overwrite.</param>
    internal void CopyTo(RetryOptions target)
    {
        target.MaxRetries = MaxRetries;
        target.BaseDelay = BaseDelay;
        target.MaxDelay = MaxDelay;
        target.BackoffType = BackoffType;
        target.UseJitter = UseJitter;
        target.RespectRetryAfter = RespectRetryAfter;
        target.MaxRetryAfter = MaxRetryAfter;
        target.AttemptTimeout = AttemptTimeout;
        target.TotalTimeout = TotalTimeout;
    }

    /// <summary>Checks the options; each message starts with the key it is about (<c>MaxRetries must be ...</c>).</summary>
    /// <returns>The problems, none when the options are valid.</returns>
    internal IEnumerable<string> Problems()
    {
        if (MaxRetries is < 0 or > MaxRetriesLimit)
        {
            yield return $"MaxRetries must be between 0 and {MaxRetriesLimit}; it is {MaxRetries}.";
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromHours(1))
        {
            yield return $"BaseDelay must be between 00:00:00 and 01:00:00; it is {BaseDelay}.";
        }

        if (MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromHours(1))
        {
            yield return $"MaxDelay must be between BaseDelay ({BaseDelay}) and 01:00:00; it is {MaxDelay}.";
        }

        if (!Enum.IsDefined(BackoffType))
        {
            yield return "BackoffType must be Constant, Linear or Exponential.";
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromHours(1))
        {
            yield return $"MaxRetryAfter must be between 00:00:00 and 01:00:00; it is {MaxRetryAfter}.";
        }

        // Polly's timeout strategy accepts 10 ms to 24 h.
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromHours(24))
        {
            yield return $"AttemptTimeout must be between 00:00:00.010 and 1.00:00:00; it is {AttemptTimeout}.";
        }

        if (TotalTimeout < TimeSpan.FromMilliseconds(10) || TotalTimeout > TimeSpan.FromHours(24))
        {
            yield return $"TotalTimeout must be between 00:00:00.010 and 1.00:00:00; it is {TotalTimeout}.";
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
