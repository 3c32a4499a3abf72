using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>With several keys, a key that reports its allowance used up cools until the reset; the others carry on.</summary>
public sealed class KeyRateLimitInfoTests
{
    private const string KeyA = "sk-proj-secretsecretsecretaaaa";
    private const string KeyB = "sk-proj-secretsecretsecretbbbb";
    private static readonly ImageGenerationRequest Request = new("a lighthouse");
    private ManualTimeProvider _clock = null!;
    private InMemoryKeyStateStore _store = null!;
    private ListLogger _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualTimeProvider();
        _store = new InMemoryKeyStateStore();
        _logger = new ListLogger();
    }

    [Test]
    public async Task Key_A_reporting_zero_remaining_sends_the_next_call_to_key_B_at_once_and_A_returns_after_the_reset()
    {
        FakeImageGenerator a = new("openai");
        FakeImageGenerator b = new("openai");
        a.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(2)));
        KeyRotatingImageGenerator generator = Build(a, b);
        ImageGenerationResult first = await generator.GenerateAsync(Request);

        Task<ImageGenerationResult> second = generator.GenerateAsync(Request);

        Assert.That(first.RateLimit!.RemainingRequests, Is.Zero, "the result passes up unchanged");
        Assert.That(second.IsCompletedSuccessfully, Is.True, "no wait: key B answers at once");
        Assert.That(_clock.ActiveTimerCount, Is.Zero);
        Assert.That((a.CallCount, b.CallCount), Is.EqualTo((1, 1)));
        Assert.That(await _store.GetAsync("openai", ApiKeyFingerprint.Create(KeyA)), Is.EqualTo(new ApiKeyStatus(ApiKeyState.Cooling, _clock.GetUtcNow() + TimeSpan.FromSeconds(2))));

        _clock.Advance(TimeSpan.FromSeconds(2));
        await generator.GenerateAsync(Request);
        Assert.That((a.CallCount, b.CallCount), Is.EqualTo((2, 1)), "failover goes back to the primary once its allowance resets");
    }

    [Test]
    public async Task Requests_remaining_keep_the_key_active()
    {
        FakeImageGenerator a = new("openai");
        FakeImageGenerator b = new("openai");
        a.ThenSucceedWith(RateLimitHeaderTestSupport.Requests(3, TimeSpan.FromSeconds(2)));
        KeyRotatingImageGenerator generator = Build(a, b);

        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);

        Assert.That((a.CallCount, b.CallCount), Is.EqualTo((2, 0)));
        Assert.That(await _store.GetAsync("openai", ApiKeyFingerprint.Create(KeyA)), Is.EqualTo(ApiKeyStatus.Active));
    }

    [Test]
    public async Task Cooling_is_logged_with_the_fingerprint_only()
    {
        FakeImageGenerator a = new("openai");
        a.ThenSucceedWith(RateLimitHeaderTestSupport.Tokens(TimeSpan.FromMilliseconds(750)));
        KeyRotatingImageGenerator generator = Build(a, new FakeImageGenerator("openai"));

        await generator.GenerateAsync(Request);

        Assert.That(
            _logger.Entries,
            Has.Member((LogLevel.Information, "API key sk-…aaaa of provider openai reports 0 tokens remaining; cooling for 750 ms while the other keys carry on")));
        Assert.That(_logger.Entries.Select(e => e.Message), Has.None.Contains(KeyA));
    }

    [Test]
    public async Task A_429_without_a_retry_delay_rests_the_key_for_the_reported_reset_instead_of_KeyCooldown()
    {
        FakeImageGenerator a = new("openai");
        FakeImageGenerator b = new("openai");
        a.ThenFailWith(ImageGenerationErrorKind.RateLimited, RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(3)), status: 429);
        KeyRotatingImageGenerator generator = Build(a, b);

        await generator.GenerateAsync(Request);

        Assert.That(b.CallCount, Is.EqualTo(1), "the same attempt moved on to key B");
        Assert.That(await _store.GetAsync("openai", ApiKeyFingerprint.Create(KeyA)), Is.EqualTo(new ApiKeyStatus(ApiKeyState.Cooling, _clock.GetUtcNow() + TimeSpan.FromSeconds(3))));
    }

    [Test]
    public async Task A_failure_not_about_the_key_passes_through_unchanged_and_still_cools_the_exhausted_key()
    {
        FakeImageGenerator a = new("openai");
        FakeImageGenerator b = new("openai");
        ImageGenerationException failure = new(ImageGenerationErrorKind.ServerError, "boom")
        {
            StatusCode = 500,
            RateLimit = RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(4)),
        };
        a.ThenThrow(failure);
        KeyRotatingImageGenerator generator = Build(a, b);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex, Is.SameAs(failure));
        Assert.That(b.CallCount, Is.Zero, "another key would fail the same way; retrying is the retry layer's call");
        Assert.That(await _store.GetAsync("openai", ApiKeyFingerprint.Create(KeyA)), Is.EqualTo(new ApiKeyStatus(ApiKeyState.Cooling, _clock.GetUtcNow() + TimeSpan.FromSeconds(4))));
    }

    [Test]
    public async Task A_short_reset_never_shortens_a_longer_rest_or_revives_a_parked_key()
    {
        FakeImageGenerator a = new("openai");
        FakeImageGenerator b = new("openai");
        TaskCompletionSource<ImageGenerationResult> onA = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource<ImageGenerationResult> onB = new(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Then((_, _) => onA.Task);
        b.Then((_, _) => onB.Task);
        KeyRotatingImageGenerator generator = Build(a, b, KeyRotationStrategy.RoundRobin);
        Task<ImageGenerationResult> first = generator.GenerateAsync(Request);
        Task<ImageGenerationResult> second = generator.GenerateAsync(Request);
        Assert.That((a.CallCount, b.CallCount), Is.EqualTo((1, 1)));
        ApiKeyStatus coolingLonger = new(ApiKeyState.Cooling, _clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        ApiKeyStatus parked = new(ApiKeyState.Parked, _clock.GetUtcNow().Date.AddDays(1));

        // While both calls are in flight, another instance cools key A for a minute and parks key B.
        await _store.SetAsync("openai", ApiKeyFingerprint.Create(KeyA), coolingLonger);
        await _store.SetAsync("openai", ApiKeyFingerprint.Create(KeyB), parked);
        onA.SetResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(Request)) { RateLimit = RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(1)) });
        onB.SetResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(Request)) { RateLimit = RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(1)) });
        await Task.WhenAll(first, second);

        Assert.That(await _store.GetAsync("openai", ApiKeyFingerprint.Create(KeyA)), Is.EqualTo(coolingLonger));
        Assert.That(await _store.GetAsync("openai", ApiKeyFingerprint.Create(KeyB)), Is.EqualTo(parked));
    }

    [Test]
    public async Task With_one_key_the_layer_leaves_the_numbers_to_the_rate_limit_layer()
    {
        FakeImageGenerator only = new("openai");
        ImageGenerationResult reported = new(FakeImageGenerator.CreateResult(Request)) { RateLimit = RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(2)) };
        only.Then((_, _) => Task.FromResult(reported));
        KeyRotatingImageGenerator generator = new([new ApiKeyClient(ApiKeyFingerprint.Create(KeyA), only)], "openai", store: _store, timeProvider: _clock, logger: _logger);

        ImageGenerationResult result = await generator.GenerateAsync(Request);

        Assert.That(result, Is.SameAs(reported));
        Assert.That(await _store.GetAsync("openai", ApiKeyFingerprint.Create(KeyA)), Is.EqualTo(ApiKeyStatus.Active));
        Assert.That(generator.CoolsKeysFromRateLimitInfo, Is.False);
    }

    private KeyRotatingImageGenerator Build(FakeImageGenerator a, FakeImageGenerator b, KeyRotationStrategy strategy = KeyRotationStrategy.Failover)
        => new(
            [new ApiKeyClient(ApiKeyFingerprint.Create(KeyA), a), new ApiKeyClient(ApiKeyFingerprint.Create(KeyB), b)],
            "openai",
            new KeyRotationOptions { Strategy = strategy },
            _store,
            timeProvider: _clock,
            logger: _logger);
}
