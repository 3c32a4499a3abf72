namespace ImageGen.Sdk;

/// <summary>
/// The rate-limit state a provider reported with a response (for example OpenAI's and Azure OpenAI's
/// <c>x-ratelimit-limit-*</c>, <c>x-ratelimit-remaining-*</c> and <c>x-ratelimit-reset-*</c> headers), for the key
/// that made the call. Every value is <see langword="null"/> when the provider did not send it or it could not be read.
/// </summary>
/// <remarks>
/// The rate-limit and key-rotation layers use it to slow down before the provider answers 429: when
/// <see cref="RemainingRequests"/> or <see cref="RemainingTokens"/> is 0 and the matching reset is known, the next
/// calls wait for the reset (or go to another key) instead of being refused.
/// </remarks>
public sealed class ProviderRateLimitInfo
{
    /// <summary>Gets the number of requests the key may make in the provider's window.</summary>
    public int? LimitRequests { get; init; }

    /// <summary>Gets the number of requests the key has left in the current window.</summary>
    public int? RemainingRequests { get; init; }

    /// <summary>Gets how long until the request allowance resets, measured from when the response was received.</summary>
    public TimeSpan? ResetRequests { get; init; }

    /// <summary>Gets the number of tokens the key may use in the provider's window.</summary>
    public long? LimitTokens { get; init; }

    /// <summary>Gets the number of tokens the key has left in the current window.</summary>
    public long? RemainingTokens { get; init; }

    /// <summary>Gets how long until the token allowance resets, measured from when the response was received.</summary>
    public TimeSpan? ResetTokens { get; init; }
}
