using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>How keys take turns: the strategies, daily limits and a shared store.</summary>
public sealed class KeySelectionTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");
    private KeyPoolHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new KeyPoolHarness();

    [Test]
    public void Fingerprints_show_only_the_ends_of_a_key()
    {
        Assert.That(ApiKeyFingerprint.Create("sk-proj-0123456789abcdefa1b2"), Is.EqualTo("sk-…a1b2"));
        Assert.That(ApiKeyFingerprint.Create("short-key"), Is.EqualTo("…ey"));
        Assert.That(ApiKeyFingerprint.Create("tiny"), Is.EqualTo("…"));
    }

    [Test]
    public async Task RoundRobin_spreads_calls_evenly()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(3);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);

        for (int i = 0; i < 9; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 3, 3, 3 }));
    }

    [Test]
    public async Task Failover_uses_the_primary_then_backups_in_order_and_returns_to_the_primary()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(3);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 2, 0, 0 }));

        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        fakes[1].ThenFail(ImageGenerationErrorKind.QuotaExceeded, status: 429);
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 3, 1, 2 }));

        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 4, 1, 2 }), "the primary is back after its cool-down; the parked key is not");
        IReadOnlyList<ApiKeyStatistics> stats = await _h.Monitor.GetKeysAsync("openai");
        Assert.That(stats[1].State, Is.EqualTo(ApiKeyState.Parked));
        Assert.That(stats[1].Until, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero)), "parked for QuotaCooldown (1 h) from the failure");
    }

    [Test]
    public async Task Weighted_shares_calls_by_weight()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        ApiKeyClient[] keys = [new("sk-…0000", fakes[0]) { Weight = 3 }, new("sk-…0001", fakes[1]) { Weight = 1 }];
        KeyRotatingImageGenerator generator = _h.Build(keys, new KeyRotationOptions { Strategy = KeyRotationStrategy.Weighted });

        for (int i = 0; i < 40; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 30, 10 }));
    }

    [Test]
    public async Task LeastUsed_picks_the_key_with_the_fewest_calls_in_flight()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        TaskCompletionSource<ImageGenerationResult> slow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        fakes[0].Then((_, _) => slow.Task);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.LeastUsed);

        Task<ImageGenerationResult> first = generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 1, 2 }));
        slow.SetResult(FakeImageGenerator.CreateResult(Request));
        await first;
        await generator.GenerateAsync(Request);
        Assert.That(fakes[0].CallCount, Is.EqualTo(2), "with nothing in flight, the key with fewer calls so far wins");
    }

    [Test]
    public async Task Daily_limits_park_a_key_until_midnight_UTC_and_roll_over()
    {
        _h = new KeyPoolHarness { Clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero)) };
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        ApiKeyClient[] keys = [new("sk-…0000", fakes[0]) { DailyLimit = 2 }, new("sk-…0001", fakes[1]) { DailyLimit = 2 }];
        KeyRotatingImageGenerator generator = _h.Build(keys, new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover });
        for (int i = 0; i < 4; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 2, 2 }));
        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)), "until midnight UTC");

        _h.Clock.Advance(TimeSpan.FromHours(1));
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 4, 3 }), "a new day, new allowances");
    }

    [Test]
    public async Task A_shared_store_lets_another_instance_skip_a_cooling_key()
    {
        FakeImageGenerator[] first = KeyPoolHarness.Fakes(2);
        FakeImageGenerator[] second = KeyPoolHarness.Fakes(2);
        first[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        await _h.Build(first, KeyRotationStrategy.Failover).GenerateAsync(Request);

        await _h.Build(second, KeyRotationStrategy.Failover).GenerateAsync(Request);

        Assert.That(second[0].CallCount, Is.Zero, "the other instance saw key A cooling in the shared store");
        Assert.That(second[1].CallCount, Is.EqualTo(1));
    }
}
