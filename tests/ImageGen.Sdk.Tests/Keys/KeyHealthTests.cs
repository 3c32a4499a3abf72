using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>What a failure does to the key that made the call: retired, cooling, parked or unchanged.</summary>
public sealed class KeyHealthTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");
    private KeyPoolHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new KeyPoolHarness();

    [Test]
    public async Task A_retired_key_receives_no_further_request_across_100_calls()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(3);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);

        for (int i = 0; i < 100; i++)
        {
            await generator.GenerateAsync(Request);
        }

        Assert.That(fakes[0].CallCount, Is.EqualTo(1));
        Assert.That(fakes[1].CallCount + fakes[2].CallCount, Is.EqualTo(100), "the failed attempt moved on at once, and every later call succeeded");
        (LogLevel level, string message)[] errors = [.. _h.Logger.Entries.Where(e => e.Level == LogLevel.Error)];
        Assert.That(errors, Has.Length.EqualTo(1));
        Assert.That(errors[0].message, Does.Contain("sk-…0000").And.Not.Contain(KeyPoolHarness.Key(0)));
        IReadOnlyList<ApiKeyStatistics> stats = await _h.Monitor.GetKeysAsync("openai");
        Assert.That(stats[0].State, Is.EqualTo(ApiKeyState.Retired));
        Assert.That(stats[0].Failures[ImageGenerationErrorKind.Authentication], Is.EqualTo(1));
    }

    [Test]
    public async Task A_429_on_key_A_sends_the_same_attempt_to_key_B_with_no_wait()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request);

        Assert.That(call.IsCompletedSuccessfully, Is.True, "no timer, no back-off: the attempt completed synchronously on key B");
        Assert.That(_h.Clock.ActiveTimerCount, Is.Zero);
        Assert.That(fakes[0].CallCount, Is.EqualTo(1));
        Assert.That(fakes[1].CallCount, Is.EqualTo(1));
        IReadOnlyList<ApiKeyStatistics> stats = await _h.Monitor.GetKeysAsync();
        Assert.That(stats[0].State, Is.EqualTo(ApiKeyState.Cooling));
        Assert.That(stats[0].Until, Is.EqualTo(_h.Clock.GetUtcNow() + TimeSpan.FromSeconds(30)));
        Assert.That(stats[1].Successes, Is.EqualTo(1));
    }

    [Test]
    public void With_one_key_failures_pass_through_unchanged_and_the_key_stays_in_use()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(1);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), 429);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(async () => await generator.GenerateAsync(Request), Throws.Nothing);
        Assert.That(fakes[0].CallCount, Is.EqualTo(2));
    }

    [Test]
    public void Failures_that_are_not_about_the_key_pass_through_without_trying_another_key()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.ServerError, status: 500);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError));
        Assert.That(fakes[1].CallCount, Is.Zero);
    }
}
