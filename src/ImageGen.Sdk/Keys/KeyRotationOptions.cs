namespace ImageGen.Sdk;

/// <summary>How the key-rotation layer picks keys and rests unhealthy ones.</summary>
public sealed class KeyRotationOptions
{
    /// <summary>The first rest of a key after a 429 that named no delay; each further 429 in a row doubles it.</summary>
    internal static readonly TimeSpan FirstCooldown = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how keys are picked.</summary>
    /// <value><see cref="KeyRotationStrategy.RoundRobin"/>.</value>
    public KeyRotationStrategy Strategy { get; set; } = KeyRotationStrategy.RoundRobin;

    /// <summary>
    /// Gets or sets the longest rest of a rate-limited (429) key when the provider named no delay (or a zero or past
    /// one) and reported no reset: such a key rests 1 s, then 2 s, 4 s, … for each further 429 in a row, up to this
    /// cap; a success resets the sequence. A delay the provider names is rested as given.
    /// </summary>
    /// <value><see langword="null"/>: <see cref="MaxWait"/>, so when every key rests a call can wait for one instead of failing.</value>
    public TimeSpan? KeyCooldown { get; set; }

    /// <summary>Gets or sets how long a key whose quota is exhausted (402, <c>insufficient_quota</c>) rests.</summary>
    /// <value>1 hour.</value>
    public TimeSpan QuotaCooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how long a rejected (401) key stays retired before one call is sent with it again as a probe. A
    /// probe that succeeds puts the key back in use; one that is rejected retires it for another interval. Until then
    /// (and while the probe runs) calls skip the key, or with one key fail at once as before.
    /// </summary>
    /// <value>1 minute: a brief gateway glitch costs a minute, a key that is really bad one rejected call a minute.</value>
    public TimeSpan RetiredKeyProbeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the longest a call waits, in total, for a resting key to come back when every key rests; past it
    /// the call fails with <see cref="ImageGenerationErrorKind.Unavailable"/>.
    /// </summary>
    /// <value>10 seconds, so a short 429 burst delays calls instead of failing them. <c>AddImageGeneration()</c> sets it
    /// from <c>Providers:{name}:MaxKeyWait</c>, else from the provider's rate-limit <c>MaxWait</c> (see
    /// <see cref="RateLimitOptions.MaxWait"/>: by default 25% of the attempt timeout), capped at 90% of the attempt
    /// timeout.</value>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the cap on a rest after a 429 without a delay: <see cref="KeyCooldown"/>, else <see cref="MaxWait"/>.</summary>
    internal TimeSpan EffectiveKeyCooldown => KeyCooldown ?? MaxWait;

    /// <summary>Throws when a value is out of range (one pass, naming every bad value).</summary>
    /// <exception cref="ArgumentException">A rest or interval is not positive, or <see cref="MaxWait"/> is negative.</exception>
    internal void Validate()
    {
        List<string> errors = [];
        if (KeyCooldown <= TimeSpan.Zero)
        {
            errors.Add("KeyCooldown must be positive.");
        }

        if (QuotaCooldown <= TimeSpan.Zero)
        {
            errors.Add("QuotaCooldown must be positive.");
        }

        if (RetiredKeyProbeInterval <= TimeSpan.Zero)
        {
            errors.Add("RetiredKeyProbeInterval must be positive.");
        }

        if (MaxWait < TimeSpan.Zero)
        {
            errors.Add("MaxWait must not be negative.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), "options");
        }
    }
}
