namespace ImageGen.Sdk;

/// <summary>How the key-rotation layer picks keys and rests unhealthy ones.</summary>
public sealed class KeyRotationOptions
{
    /// <summary>Gets or sets how keys are picked.</summary>
    /// <value><see cref="KeyRotationStrategy.RoundRobin"/>.</value>
    public KeyRotationStrategy Strategy { get; set; } = KeyRotationStrategy.RoundRobin;

    /// <summary>Gets or sets how long a rate-limited (429) key rests when the provider sent no retry delay.</summary>
    /// <value>60 seconds.</value>
    public TimeSpan KeyCooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long a key whose quota is exhausted (402, <c>insufficient_quota</c>) rests.</summary>
    /// <value>1 hour.</value>
    public TimeSpan QuotaCooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the longest a call waits, in total, for a resting key to come back when every key rests; past it
    /// the call fails with <see cref="ImageGenerationErrorKind.Unavailable"/>.
    /// </summary>
    /// <value>10 seconds, so a short 429 burst delays calls instead of failing them. <c>AddImageGeneration()</c> sets it
    /// from <c>Providers:{name}:MaxKeyWait</c>, else from the provider's rate-limit <c>MaxWait</c> (see
    /// <see cref="RateLimitOptions.MaxWait"/>: by default 25% of the attempt timeout), capped at 90% of the attempt
    /// timeout.</value>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);
}
