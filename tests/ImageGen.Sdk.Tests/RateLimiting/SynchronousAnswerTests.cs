using System.Threading.RateLimiting;
using ImageGen.Sdk.Keys;
using ImageGen.Sdk.RateLimiting;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>
/// The rate-limit and key layers return a synchronous answer of the layer below without a state machine; a failure
/// thrown synchronously (rather than returned as a faulted task) must still be handled as before.
/// </summary>
public sealed class SynchronousAnswerTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");

    [Test]
    public void A_synchronously_thrown_429_still_pauses_the_provider_and_returns_the_permit()
    {
        ManualTimeProvider clock = new();
        using RateLimiter limiter = RateLimiterFactory.Create(new RateLimitOptions { MaxConcurrency = 1 }, clock)!;
        ThrowingGenerator inner = new(new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "slow down") { RetryAfter = TimeSpan.FromSeconds(3) });
        RateLimitingImageGenerator generator = new(inner, "openai", limiter, timeProvider: clock);

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request);

        Assert.That(call.IsFaulted, Is.True, "the throw surfaces through the task, not from GenerateAsync");
        Assert.That(generator.PausedUntil, Is.EqualTo(clock.GetUtcNow() + TimeSpan.FromSeconds(3)));
        using RateLimitLease slot = limiter.AttemptAcquire(1);
        Assert.That(slot.IsAcquired, Is.True, "the concurrency slot went back");
    }

    [Test]
    public void A_synchronously_thrown_cancellation_still_cancels_the_call()
    {
        using RateLimiter limiter = RateLimiterFactory.Create(new RateLimitOptions { MaxConcurrency = 1 }, TimeProvider.System)!;
        RateLimitingImageGenerator generator = new(new FakeImageGenerator(), "openai", limiter);
        using CancellationTokenSource cts = new();
        cts.Cancel();

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request, cts.Token);

        Assert.That(call.IsCanceled, Is.True);
        using RateLimitLease slot = limiter.AttemptAcquire(1);
        Assert.That(slot.IsAcquired, Is.True);
    }

    [Test]
    public async Task A_synchronously_thrown_429_on_one_key_moves_the_same_call_to_the_next_key()
    {
        ManualTimeProvider clock = new();
        InMemoryKeyStateStore store = new();
        KeyPoolMonitor monitor = new(store, clock);
        ThrowingGenerator first = new(new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "slow down") { RetryAfter = TimeSpan.FromSeconds(30) });
        FakeImageGenerator second = new("openai");
        KeyRotatingImageGenerator generator = new(
            [new ApiKeyClient("sk-…0001", first), new ApiKeyClient("sk-…0002", second)],
            "openai",
            new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover },
            store,
            monitor,
            clock);

        await generator.GenerateAsync(Request);

        Assert.That(second.CallCount, Is.EqualTo(1));
        ApiKeyStatistics key = (await monitor.GetKeysAsync("openai")).Single(k => k.Fingerprint == "sk-…0001");
        Assert.That((key.State, key.InFlight, key.Failures[ImageGenerationErrorKind.RateLimited]), Is.EqualTo((ApiKeyState.Cooling, 0L, 1L)));
    }

    [Test]
    public async Task A_synchronous_success_through_the_key_pool_is_counted()
    {
        InMemoryKeyStateStore store = new();
        KeyPoolMonitor monitor = new(store);
        FakeImageGenerator only = new("openai");
        KeyRotatingImageGenerator generator = new([new ApiKeyClient("sk-…0001", only)], "openai", null, store, monitor);
        using CancellationTokenSource cts = new();
        cts.Cancel();

        await generator.GenerateAsync(Request);
        Task<ImageGenerationResult> cancelled = generator.GenerateAsync(Request, cts.Token);

        Assert.That(cancelled.IsCanceled, Is.True, "a synchronous cancellation still cancels");
        ApiKeyStatistics key = (await monitor.GetKeysAsync("openai")).Single();
        Assert.That((key.Requests, key.Successes, key.InFlight), Is.EqualTo((2L, 1L, 0L)));
    }

    /// <summary>Throws from <see cref="GenerateAsync"/> itself instead of returning a faulted task.</summary>
    private sealed class ThrowingGenerator(Exception exception) : IImageGenerator
    {
        public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
            => throw exception;
    }
}
