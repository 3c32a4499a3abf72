namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>Builds fake provider outcomes that carry <see cref="ProviderRateLimitInfo"/>, as the OpenAI client reports it.</summary>
internal static class RateLimitHeaderTestSupport
{
    /// <summary>The rate-limit state of a key with <paramref name="remainingRequests"/> left and a reset in <paramref name="reset"/>.</summary>
    public static ProviderRateLimitInfo Requests(int remainingRequests, TimeSpan? reset)
        => new() { LimitRequests = 50, RemainingRequests = remainingRequests, ResetRequests = reset, LimitTokens = 100_000, RemainingTokens = 90_000, ResetTokens = TimeSpan.FromMilliseconds(5) };

    /// <summary>The rate-limit state of a key whose tokens are used up, with requests to spare.</summary>
    public static ProviderRateLimitInfo Tokens(TimeSpan reset)
        => new() { RemainingRequests = 40, ResetRequests = TimeSpan.FromMilliseconds(5), RemainingTokens = 0, ResetTokens = reset };

    /// <summary>Queues a success that reports <paramref name="info"/>.</summary>
    public static FakeImageGenerator ThenSucceedWith(this FakeImageGenerator fake, ProviderRateLimitInfo info)
        => fake.Then((request, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(request, fake.Provider, fake.Model)) { RateLimit = info }));

    /// <summary>Queues a failure that reports <paramref name="info"/>.</summary>
    public static FakeImageGenerator ThenFailWith(this FakeImageGenerator fake, ImageGenerationErrorKind kind, ProviderRateLimitInfo info, int? status = null, TimeSpan? retryAfter = null)
        => fake.ThenThrow(new ImageGenerationException(kind, $"fake {kind}") { Provider = fake.Provider, StatusCode = status, RetryAfter = retryAfter, RateLimit = info });
}
