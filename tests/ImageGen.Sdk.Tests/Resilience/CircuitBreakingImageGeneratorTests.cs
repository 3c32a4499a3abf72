using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace ImageGen.Sdk.Tests.Resilience;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class CircuitBreakingImageGeneratorTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");

    private readonly ManualTimeProvider _time = new();
    private readonly ListLogger _logger = new();
    private readonly FakeImageGenerator _fake = new("p");

    private CircuitBreakingImageGenerator Create() => new(
        _fake,
        new CircuitBreakerOptions { FailureRatio = 0.5, MinimumThroughput = 4, SamplingDuration = TimeSpan.FromSeconds(60), BreakDuration = TimeSpan.FromSeconds(30) },
        "p",
        _time,
        _logger);

    private async Task FailTimesAsync(CircuitBreakingImageGenerator breaker, int times, ImageGenerationErrorKind kind = ImageGenerationErrorKind.ServerError)
    {
        for (int i = 0; i < times; i++)
        {
            _fake.ThenFail(kind);
            ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(Request));
            Assert.That(thrown!.Kind, Is.EqualTo(kind), "the provider's own failure passes through while the circuit is closed");
        }

        await Task.CompletedTask;
    }

    [Test]
    public async Task Opens_after_enough_transient_failures_then_fails_fast_with_the_time_until_half_open()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));

        _time.Advance(TimeSpan.FromSeconds(10));
        ImageGenerationException? rejected = Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(Request));
        Assert.That(rejected!.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(rejected.IsTransient, Is.True);
        Assert.That(rejected.Provider, Is.EqualTo("p"));
        Assert.That(rejected.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(rejected.InnerException, Is.Null, "no Polly type reaches the caller");
        Assert.That(TransientFailures.IsCircuitOpen(rejected), Is.True);
        Assert.That(_fake.CallCount, Is.EqualTo(4), "an open circuit sends nothing");
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.Contain("Circuit of image provider p opened"));
    }

    [Test]
    public async Task Half_opens_after_the_break_and_a_successful_probe_closes_it()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        _time.Advance(TimeSpan.FromSeconds(30));

        ImageGenerationResult probe = await breaker.GenerateAsync(Request);
        Assert.That(probe.Provider, Is.EqualTo("p"));
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed));
        await breaker.GenerateAsync(Request);
        Assert.That(_fake.CallCount, Is.EqualTo(6));
        Assert.That(_logger.Messages(LogLevel.Information), Has.Some.Contains("half-open"));
        Assert.That(_logger.Messages(LogLevel.Information), Has.Some.Contains("closed"));
    }

    [Test]
    public async Task A_failed_probe_opens_the_circuit_again()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        _time.Advance(TimeSpan.FromSeconds(30));
        await FailTimesAsync(breaker, 1);

        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));
        ImageGenerationException? rejected = Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(Request));
        Assert.That(rejected!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(_fake.CallCount, Is.EqualTo(5));
    }

    [Test]
    public async Task Non_transient_failures_do_not_open_it()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 6, ImageGenerationErrorKind.InvalidRequest);
        await FailTimesAsync(breaker, 6, ImageGenerationErrorKind.ContentFiltered);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed));
        await breaker.GenerateAsync(Request);
    }

    [Test]
    public async Task Local_limiter_refusals_do_not_open_it_but_provider_429s_do()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 6, ImageGenerationErrorKind.RateLimited); // no status: a local limiter refused
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed));

        // The six refusals counted as successes, so seven provider 429s pass the 0.5 ratio.
        for (int i = 0; i < 7; i++)
        {
            _fake.ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
            Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(new ImageGenerationRequest("x")));
        }

        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));
    }

    [Test]
    public async Task Failures_below_the_ratio_keep_it_closed()
    {
        CircuitBreakingImageGenerator breaker = Create();
        for (int i = 0; i < 6; i++)
        {
            await breaker.GenerateAsync(Request);
        }

        await FailTimesAsync(breaker, 5);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "5 failures in 11 calls is below 0.5");
    }

    [Test]
    public async Task Retry_over_an_open_circuit_fails_at_once_so_fallback_can_move_on()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        RetryingImageGenerator retry = new(breaker, new RetryOptions(), "p", _time, _logger);

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => retry.GenerateAsync(Request));
        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(_time.ActiveTimerCount, Is.Zero);
        Assert.That(_logger.Messages(LogLevel.Warning).Last(), Does.Contain("giving up (circuit open)"));
    }

    [Test]
    public void Builder_skips_the_layer_when_disabled()
    {
        IImageGenerator built = new ImageGeneratorBuilder(_fake).UseCircuitBreaker(new CircuitBreakerOptions { Enabled = false }, "p").Build();
        Assert.That(built, Is.SameAs(_fake));
    }
}
