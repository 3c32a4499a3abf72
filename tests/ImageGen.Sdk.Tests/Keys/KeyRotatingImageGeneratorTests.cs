using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

public sealed class KeyRotatingImageGeneratorTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");
    private ManualTimeProvider _clock = null!;
    private InMemoryKeyStateStore _store = null!;
    private KeyPoolMonitor _monitor = null!;
    private ListLogger _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualTimeProvider();
        _store = new InMemoryKeyStateStore();
        _monitor = new KeyPoolMonitor(_store, _clock);
        _logger = new ListLogger();
    }

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
        FakeImageGenerator[] fakes = Fakes(3);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.RoundRobin);

        for (int i = 0; i < 9; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 3, 3, 3 }));
    }

    [Test]
    public async Task A_retired_key_receives_no_further_request_across_100_calls()
    {
        FakeImageGenerator[] fakes = Fakes(3);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.RoundRobin);

        for (int i = 0; i < 100; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes[0].CallCount, Is.EqualTo(1));
        Assert.That(fakes[1].CallCount + fakes[2].CallCount, Is.EqualTo(100), "the failed attempt moved on at once, and every later call succeeded");
        (LogLevel level, string message)[] errors = [.. _logger.Entries.Where(e => e.Level == LogLevel.Error)];
        Assert.That(errors, Has.Length.EqualTo(1));
        Assert.That(errors[0].message, Does.Contain("sk-…0000").And.Not.Contain(Key(0)));
        IReadOnlyList<ApiKeyStatistics> stats = await _monitor.GetKeysAsync("openai");
        Assert.That(stats[0].State, Is.EqualTo(ApiKeyState.Retired));
        Assert.That(stats[0].Failures[ImageGenerationErrorKind.Authentication], Is.EqualTo(1));
    }

    [Test]
    public async Task A_429_on_key_A_sends_the_same_attempt_to_key_B_with_no_wait()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.Failover);

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request);

        Assert.That(call.IsCompletedSuccessfully, Is.True, "no timer, no back-off: the attempt completed synchronously on key B");
        Assert.That(_clock.ActiveTimerCount, Is.Zero);
        Assert.That(fakes[0].CallCount, Is.EqualTo(1));
        Assert.That(fakes[1].CallCount, Is.EqualTo(1));
        IReadOnlyList<ApiKeyStatistics> stats = await _monitor.GetKeysAsync();
        Assert.That(stats[0].State, Is.EqualTo(ApiKeyState.Cooling));
        Assert.That(stats[0].Until, Is.EqualTo(_clock.GetUtcNow() + TimeSpan.FromSeconds(30)));
        Assert.That(stats[1].Successes, Is.EqualTo(1));
    }

    [Test]
    public async Task A_429_without_a_retry_delay_cools_the_key_for_KeyCooldown()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.Failover);

        await generator.GenerateAsync(Request);
        _clock.Advance(TimeSpan.FromSeconds(59));
        await generator.GenerateAsync(Request);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await generator.GenerateAsync(Request);

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 2, 2 }), "key A rests the default 60 s, then is the primary again");
    }

    [Test]
    public async Task Failover_uses_the_primary_then_backups_in_order_and_returns_to_the_primary()
    {
        FakeImageGenerator[] fakes = Fakes(3);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.Failover);
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 2, 0, 0 }));

        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        fakes[1].ThenFail(ImageGenerationErrorKind.QuotaExceeded, status: 429);
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 3, 1, 2 }));

        _clock.Advance(TimeSpan.FromSeconds(30));
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 4, 1, 2 }), "the primary is back after its cool-down; the parked key is not");
        IReadOnlyList<ApiKeyStatistics> stats = await _monitor.GetKeysAsync("openai");
        Assert.That(stats[1].State, Is.EqualTo(ApiKeyState.Parked));
        Assert.That(stats[1].Until, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero)), "parked for QuotaCooldown (1 h) from the failure");
    }

    [Test]
    public void When_every_key_is_cooling_past_MaxWait_the_error_carries_the_soonest_return()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(40), 429);
        fakes[1].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(20), 429);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.Failover, new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover, MaxWait = TimeSpan.FromSeconds(10) });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(ex.Provider, Is.EqualTo("openai"));
        Assert.That(ex.InnerException, Is.InstanceOf<ImageGenerationException>());
        Assert.That(fakes[0].CallCount + fakes[1].CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task When_every_key_is_cooling_within_MaxWait_the_call_waits_for_the_soonest()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(5), 429);
        fakes[1].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(8), 429);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.Failover);

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request);
        await LimitsTestClock.WaitUntilAsync(() => _clock.ActiveTimerCount == 1, "the wait for a key");
        _clock.Advance(TimeSpan.FromSeconds(4));

        // A timer due by now fired inside Advance, on this thread: still armed, the wait for a key goes on.
        Assert.That(_clock.ActiveTimerCount, Is.EqualTo(1), "still waiting 1 s before the soonest key returns");
        Assert.That(call.IsCompleted, Is.False);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await call;

        Assert.That(fakes[0].CallCount, Is.EqualTo(2), "key A came back first and took the attempt");
        Assert.That(fakes[1].CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task When_every_key_is_retired_calls_fail_at_once_without_a_request()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        fakes[1].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.RoundRobin);

        ImageGenerationException first = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;
        ImageGenerationException second = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(first.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(second.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(fakes[0].CallCount + fakes[1].CallCount, Is.EqualTo(2));
        Assert.That(_logger.Entries.Count(e => e.Level == LogLevel.Error), Is.EqualTo(2));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Weighted_shares_calls_by_weight()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        ApiKeyClient[] keys = [new("sk-…0000", fakes[0]) { Weight = 3 }, new("sk-…0001", fakes[1]) { Weight = 1 }];
        KeyRotatingImageGenerator generator = new(keys, "openai", new KeyRotationOptions { Strategy = KeyRotationStrategy.Weighted }, _store, _monitor, _clock, _logger);

        for (int i = 0; i < 40; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 30, 10 }));
    }

    [Test]
    public async Task LeastUsed_picks_the_key_with_the_fewest_calls_in_flight()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        TaskCompletionSource<ImageGenerationResult> slow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        fakes[0].Then((_, _) => slow.Task);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.LeastUsed);

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
        _clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero));
        FakeImageGenerator[] fakes = Fakes(2);
        ApiKeyClient[] keys = [new("sk-…0000", fakes[0]) { DailyLimit = 2 }, new("sk-…0001", fakes[1]) { DailyLimit = 2 }];
        KeyRotatingImageGenerator generator = new(keys, "openai", new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover }, _store, _monitor, _clock, _logger);
        for (int i = 0; i < 4; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 2, 2 }));
        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)), "until midnight UTC");

        _clock.Advance(TimeSpan.FromHours(1));
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        await generator.GenerateAsync(Request);
        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 4, 3 }), "a new day, new allowances");
    }

    [Test]
    public void With_one_key_failures_pass_through_unchanged_and_the_key_stays_in_use()
    {
        FakeImageGenerator[] fakes = Fakes(1);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.RoundRobin);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(async () => await generator.GenerateAsync(Request), Throws.Nothing);
        Assert.That(fakes[0].CallCount, Is.EqualTo(2));
    }

    [Test]
    public void Failures_that_are_not_about_the_key_pass_through_without_trying_another_key()
    {
        FakeImageGenerator[] fakes = Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.ServerError, status: 500);
        KeyRotatingImageGenerator generator = Build(fakes, KeyRotationStrategy.Failover);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError));
        Assert.That(fakes[1].CallCount, Is.Zero);
    }

    [Test]
    public async Task A_shared_store_lets_another_instance_skip_a_cooling_key()
    {
        FakeImageGenerator[] first = Fakes(2);
        FakeImageGenerator[] second = Fakes(2);
        first[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        await Build(first, KeyRotationStrategy.Failover).GenerateAsync(Request);

        await Build(second, KeyRotationStrategy.Failover).GenerateAsync(Request);

        Assert.That(second[0].CallCount, Is.Zero, "the other instance saw key A cooling in the shared store");
        Assert.That(second[1].CallCount, Is.EqualTo(1));
    }

    private static string Key(int i) => $"sk-proj-secretsecretsecret{i:0000}";

    private static FakeImageGenerator[] Fakes(int count) => [.. Enumerable.Range(0, count).Select(_ => new FakeImageGenerator("openai"))];

    private KeyRotatingImageGenerator Build(FakeImageGenerator[] fakes, KeyRotationStrategy strategy, KeyRotationOptions? options = null)
    {
        ApiKeyClient[] keys = [.. fakes.Select((f, i) => new ApiKeyClient(ApiKeyFingerprint.Create(Key(i)), f))];
        return new KeyRotatingImageGenerator(keys, "openai", options ?? new KeyRotationOptions { Strategy = strategy }, _store, _monitor, _clock, _logger);
    }
}
