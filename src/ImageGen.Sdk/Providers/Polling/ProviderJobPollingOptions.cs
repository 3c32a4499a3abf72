namespace ImageGen.Sdk.Providers;

/// <summary>How <see cref="ProviderJobPoller"/> polls a submitted job.</summary>
public sealed class ProviderJobPollingOptions
{
    /// <summary>Gets or sets the wait before the first status poll and after each one until it grows.</summary>
    /// <value>500 ms.</value>
    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the longest wait between polls the back-off grows to. A server hint (<c>Retry-After</c>) may ask for longer.</summary>
    /// <value>5 s.</value>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the factor the wait grows by after each poll (1 keeps it constant).</summary>
    /// <value>1.5.</value>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>
    /// Gets or sets how long the job may take from the first poll; then polling stops, the job is cancelled at the
    /// provider where it can be, and the call fails with <see cref="ImageGenerationErrorKind.Timeout"/>.
    /// </summary>
    /// <value>10 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long the best-effort cancel request may take (it never uses the caller's cancelled token).</summary>
    /// <value>10 s.</value>
    public TimeSpan CancelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many status polls in a row may fail transiently before the call fails with the last failure.</summary>
    /// <value>5.</value>
    public int MaxConsecutivePollFailures { get; set; } = 5;

    /// <summary>Checks the options once; the poller copies them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialInterval, TimeSpan.Zero, nameof(InitialInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInterval, InitialInterval, nameof(MaxInterval));
        if (!(BackoffFactor >= 1 && BackoffFactor <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffFactor), BackoffFactor, "BackoffFactor must be between 1 and 10.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CancelTimeout, TimeSpan.Zero, nameof(CancelTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConsecutivePollFailures, 1, nameof(MaxConsecutivePollFailures));
    }

    /// <summary>Copies the options.</summary>
    /// <returns>The copy.</returns>
    internal ProviderJobPollingOptions Clone() => (ProviderJobPollingOptions)MemberwiseClone();
}
