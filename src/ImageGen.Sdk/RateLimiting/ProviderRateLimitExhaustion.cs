namespace ImageGen.Sdk.RateLimiting;

/// <summary>
/// Decides from a <see cref="ProviderRateLimitInfo"/> whether the key that made the call has used up its allowance,
/// and for how long: the rule the rate-limit layer (one key) and the key layer (several keys) share.
/// </summary>
internal static class ProviderRateLimitExhaustion
{
    /// <summary>Gets how long the allowance stays used up.</summary>
    /// <param name="info">What the provider reported, if anything.</param>
    /// <param name="delay">The time until the used-up allowance resets (the longer one when both are used up).</param>
    /// <param name="budget"><c>requests</c> or <c>tokens</c>: which allowance the delay is for, for logs.</param>
    /// <returns>
    /// <see langword="true"/> when the remaining requests or tokens are 0 and the matching reset is known and
    /// positive; a used-up allowance with no known reset is left to the provider's 429 and its retry delay.
    /// </returns>
    public static bool TryGetDelay(ProviderRateLimitInfo? info, out TimeSpan delay, out string budget)
    {
        delay = TimeSpan.Zero;
        budget = "requests";
        if (info is null)
        {
            return false;
        }

        if (info.RemainingRequests <= 0 && info.ResetRequests is { } requestsReset && requestsReset > delay)
        {
            delay = requestsReset;
        }

        if (info.RemainingTokens <= 0 && info.ResetTokens is { } tokensReset && tokensReset > delay)
        {
            delay = tokensReset;
            budget = "tokens";
        }

        return delay > TimeSpan.Zero;
    }
}
