using System.Collections.Concurrent;
using ImageGen.Sdk.Keys;
using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>The limiter slows down when the provider reports its allowance used up, before any 429.</summary>
public sealed class RateLimitHeaderBackOffTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");

    [Test]
    public async Task Zero_requests_remaining_with_a_2s_reset_holds_the_next_call_for_2s_on_the_fake_clock()
    {
        ManualTimeProvider clock = new();
        DateTimeOffset start = clock.GetUtcNow();
        ConcurrentQueue<DateTimeOffset> times = new();
        FakeImageGenerator fake = LimitsTestClock.RecordingFake(clock, times);
        fake.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(2)));
        RateLimitingImageGenerator generator = new(fake, "openai", limiter: null, timeProvider: clock);

        ImageGenerationResult first = await generator.GenerateAsync(Request);
        Task<ImageGenerationResult> next = generator.GenerateAsync(Request);
        await LimitsTestClock.WaitUntilTimersAsync(clock, 1, "the next call to wait on the clock");

        Assert.That(first.RateLimit!.RemainingRequests, Is.Zero, "the result passes up unchanged");
        Assert.That(generator.PausedUntil, Is.EqualTo(start + TimeSpan.FromSeconds(2)));
        Assert.That(next.IsCompleted, Is.False, "the next call waits for the reset");
        Assert.That(fake.CallCount, Is.EqualTo(1), "no call before the clock is advanced");
        clock.Advance(TimeSpan.FromMilliseconds(1999));

        // A timer due by now fired inside Advance, on this thread: one still armed is a wait that has not ended.
        Assert.That(clock.ActiveTimerCount, Is.EqualTo(1), "the wait is still armed 1 ms before the reset");
        Assert.That(fake.CallCount, Is.EqualTo(1));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await next;
        Assert.That(fake.CallCount, Is.EqualTo(2));
        Assert.That(times, Is.EqualTo(new[] { start + TimeSpan.FromSeconds(2) }), "the recording handler saw only the second call, at the reset");
    }

    [Test]
    public async Task Requests_remaining_means_no_pause()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new("openai");
        fake.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(1, TimeSpan.FromSeconds(30)));
        RateLimitingImageGenerator generator = new(fake, "openai", limiter: null, timeProvider: clock);
        await generator.GenerateAsync(Request);

        Task<ImageGenerationResult> next = generator.GenerateAsync(Request);

        Assert.That(next.IsCompletedSuccessfully, Is.True, "no timer, no wait");
        Assert.That(generator.PausedUntil, Is.Null);
        Assert.That(clock.ActiveTimerCount, Is.Zero);
        Assert.That(fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Zero_remaining_without_a_known_reset_is_left_to_the_provider()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new("openai");
        fake.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, reset: null));
        RateLimitingImageGenerator generator = new(fake, "openai", limiter: null, timeProvider: clock);
        await generator.GenerateAsync(Request);

        Assert.That(generator.PausedUntil, Is.Null);
        Assert.That(generator.GenerateAsync(Request).IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Zero_tokens_remaining_pauses_until_the_token_reset_and_logs_at_information()
    {
        ManualTimeProvider clock = new();
        ListLogger logger = new();
        FakeImageGenerator fake = new("openai");
        fake.ThenSucceedWith(RateLimitHeaderTestSupport.Tokens(TimeSpan.FromMilliseconds(1500)));
        RateLimitingImageGenerator generator = new(fake, "openai", limiter: null, timeProvider: clock, logger: logger);

        await generator.GenerateAsync(Request);

        Assert.That(generator.PausedUntil, Is.EqualTo(clock.GetUtcNow() + TimeSpan.FromMilliseconds(1500)));
        Assert.That(logger.Entries, Has.Member((LogLevel.Information, "rate limit: provider openai reports 0 tokens remaining; pausing 1500 ms")));
        Assert.That(logger.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty, "slowing down before a 429 is routine");
    }

    [Test]
    public async Task A_failure_reporting_zero_remaining_pauses_even_without_a_retry_delay()
    {
        ManualTimeProvider clock = new();
        ListLogger logger = new();
        FakeImageGenerator fake = new("openai");
        fake.ThenFailWith(ImageGenerationErrorKind.ServerError, RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(3)), status: 500);
        RateLimitingImageGenerator generator = new(fake, "openai", limiter: null, timeProvider: clock, logger: logger);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError), "the failure passes up unchanged");
        Assert.That(generator.PausedUntil, Is.EqualTo(clock.GetUtcNow() + TimeSpan.FromSeconds(3)));
        Assert.That(logger.Entries, Has.Member((LogLevel.Information, "rate limit: provider openai reports 0 requests remaining; pausing 3000 ms")));
        Task<ImageGenerationResult> next = generator.GenerateAsync(Request);
        await LimitsTestClock.WaitUntilTimersAsync(clock, 1, "the next call to wait on the clock");
        Assert.That(fake.CallCount, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromSeconds(3));
        await next;
        Assert.That(fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public void A_429_pauses_for_the_longer_of_retry_after_and_the_reset()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new("openai");
        fake.ThenFailWith(ImageGenerationErrorKind.RateLimited, RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(8)), status: 429, retryAfter: TimeSpan.FromSeconds(2));
        RateLimitingImageGenerator generator = new(fake, "openai", limiter: null, timeProvider: clock);

        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request));

        Assert.That(generator.PausedUntil, Is.EqualTo(clock.GetUtcNow() + TimeSpan.FromSeconds(8)));
    }

    [Test]
    public async Task A_reset_longer_than_MaxWait_refuses_the_next_call_at_once_without_a_call()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new("openai");
        fake.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromMinutes(6)));
        RateLimitOptions options = new() { MaxWait = TimeSpan.FromSeconds(10) };
        RateLimitingImageGenerator generator = new(fake, "openai", RateLimiterFactory.Create(options, clock), options.MaxWait, clock);
        await generator.GenerateAsync(Request);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(6)));
        Assert.That(fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Over_a_key_layer_with_two_keys_the_exhausted_key_cools_and_the_provider_is_not_paused()
    {
        ManualTimeProvider clock = new();
        (KeyRotatingImageGenerator keys, FakeImageGenerator keyA, FakeImageGenerator keyB) = TwoKeysFirstExhausted(clock);
        RateLimitingImageGenerator generator = new(keys, "openai", limiter: null, timeProvider: clock);
        await generator.GenerateAsync(Request);

        Task<ImageGenerationResult> next = generator.GenerateAsync(Request);

        Assert.That(next.IsCompletedSuccessfully, Is.True, "key B takes the next call at once");
        Assert.That(generator.PausedUntil, Is.Null, "the other key still has requests, so the provider is not paused");
        Assert.That(keyA.CallCount, Is.EqualTo(1));
        Assert.That(keyB.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Over_a_key_layer_with_one_key_the_provider_is_paused()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator only = new("openai");
        only.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(2)));
        KeyRotatingImageGenerator keys = new([new ApiKeyClient("sk-…aaaa", only)], "openai", timeProvider: clock);
        RateLimitingImageGenerator generator = new(keys, "openai", limiter: null, timeProvider: clock);
        await generator.GenerateAsync(Request);

        Task<ImageGenerationResult> next = generator.GenerateAsync(Request);
        await LimitsTestClock.WaitUntilTimersAsync(clock, 1, "the next call to wait on the clock");

        Assert.That(generator.PausedUntil, Is.EqualTo(clock.GetUtcNow() + TimeSpan.FromSeconds(2)));
        Assert.That(next.IsCompleted, Is.False);
        Assert.That(only.CallCount, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromSeconds(2));
        await next;
        Assert.That(only.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task A_key_layer_with_two_keys_further_below_is_found_through_GetService()
    {
        ManualTimeProvider clock = new();
        (KeyRotatingImageGenerator keys, FakeImageGenerator keyA, FakeImageGenerator keyB) = TwoKeysFirstExhausted(clock);

        // A layer in between (a custom one, say) hides the key layer from a type check, not from GetService.
        RateLimitingImageGenerator generator = new(new PassThrough(keys), "openai", limiter: null, timeProvider: clock);
        await generator.GenerateAsync(Request);

        Assert.That(generator.PausedUntil, Is.Null, "the key layer cools the exhausted key; the provider is not paused");
        Assert.That((await generator.GenerateAsync(Request)).Provider, Is.EqualTo("openai"));
        Assert.That(keyB.CallCount, Is.EqualTo(1));
    }

    /// <summary>A failover pair whose first key's next answer reports 0 requests left for 2 s.</summary>
    private static (KeyRotatingImageGenerator Keys, FakeImageGenerator KeyA, FakeImageGenerator KeyB) TwoKeysFirstExhausted(ManualTimeProvider clock)
    {
        FakeImageGenerator keyA = new("openai");
        FakeImageGenerator keyB = new("openai");
        keyA.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(2)));
        KeyRotatingImageGenerator keys = new(
            [new ApiKeyClient("sk-…aaaa", keyA), new ApiKeyClient("sk-…bbbb", keyB)],
            "openai",
            new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover },
            timeProvider: clock);
        return (keys, keyA, keyB);
    }

    private sealed class PassThrough(IImageGenerator inner) : DelegatingImageGenerator(inner);
}
