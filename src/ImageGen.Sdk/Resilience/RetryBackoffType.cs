namespace ImageGen.Sdk;

/// <summary>How the wait between retries grows (<c>ImageGeneration:Retry:BackoffType</c>).</summary>
public enum RetryBackoffType
{
    /// <summary>Every wait is <see cref="RetryOptions.BaseDelay"/>.</summary>
    Constant = 0,

    /// <summary>The n-th wait is n × <see cref="RetryOptions.BaseDelay"/>.</summary>
    Linear = 1,

    /// <summary>The n-th wait is 2^(n-1) × <see cref="RetryOptions.BaseDelay"/> (1 s, 2 s, 4 s, ...).</summary>
    Exponential = 2,
}
