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

    private async Task FailTimesAsync(CircuitBreakingImageGenerator breaker, int times, ImageGenerationErrorKind kind = ImageGenerationErrorKind.ServerError, bool localRefusal = false)
    {
        for (int i = 0; i < times; i++)
        {
            _fake.ThenThrow(new ImageGenerationException(kind, $"fake {kind}") { Provider = _fake.Provider, IsLocalRefusal = localRefusal });
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
        Assert.That(rejected.StatusCode, Is.Null, "marked as a local refusal, like the rate limiter's");
        Assert.That(TransientFailures.IsLocalRefusal(rejected), Is.True);
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
    public async Task A_cancelled_half_open_probe_does_not_close_the_circuit()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        _time.Advance(TimeSpan.FromSeconds(30));

        _fake.Then(Clock.HangAsync);
        using CancellationTokenSource cts = new();
        Task<ImageGenerationResult> probe = breaker.GenerateAsync(Request, cts.Token);
        await Clock.WaitUntilAsync(() => _fake.CallCount == 5, () => "the probe never reached the provider");
        Assert.That(breaker.State, Is.EqualTo(CircuitState.HalfOpen));

        await cts.CancelAsync();
        Assert.That(async () => await Clock.Completed(probe), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open), "a probe that got no answer must not let traffic back in");

        ImageGenerationException? rejected = Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(Request));
        Assert.That(rejected!.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(rejected.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(_fake.CallCount, Is.EqualTo(5));
        Assert.That(_logger.Messages(LogLevel.Warning).Last(), Does.Contain("probe of image provider p ended without the provider's answer"));
    }

    [Test]
    public async Task A_half_open_probe_ended_by_the_total_timeout_above_does_not_close_the_circuit()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        _time.Advance(TimeSpan.FromSeconds(30));

        _fake.Then(Clock.HangAsync);
        RetryingImageGenerator retry = new(breaker, new RetryOptions { TotalTimeout = TimeSpan.FromSeconds(10) }, "p", _time, _logger);
        Task<ImageGenerationResult> call = retry.GenerateAsync(Request);
        await Clock.WaitUntilAsync(() => _fake.CallCount == 5, () => "the probe never reached the provider");
        await _time.WaitForTimersAsync(1);
        _time.Advance(TimeSpan.FromSeconds(10));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));
        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));
    }

    [TestCase(ImageGenerationErrorKind.RateLimited)]
    [TestCase(ImageGenerationErrorKind.Unavailable)]
    [TestCase(ImageGenerationErrorKind.BudgetExceeded)]
    public async Task A_half_open_probe_refused_by_a_local_layer_does_not_close_the_circuit(ImageGenerationErrorKind kind)
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        _time.Advance(TimeSpan.FromSeconds(30));

        await FailTimesAsync(breaker, 1, kind, localRefusal: true); // the limiter, key rotation or budget refused it
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));
        Assert.That(_fake.CallCount, Is.EqualTo(5));
        Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(Request));
        Assert.That(_fake.CallCount, Is.EqualTo(5), "the circuit is open again, so nothing is sent");
    }

    [Test]
    public async Task A_half_open_probe_the_provider_answers_with_a_caller_error_closes_it()
    {
        CircuitBreakingImageGenerator breaker = Create();
        await FailTimesAsync(breaker, 4);
        _time.Advance(TimeSpan.FromSeconds(30));

        _fake.ThenFail(ImageGenerationErrorKind.InvalidRequest, status: 400);
        Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(Request));
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "the provider answered, so it is up");
    }

    [TestCase(ImageGenerationErrorKind.ServerError, 503)]
    [TestCase(ImageGenerationErrorKind.ServerError, null)]
    [TestCase(ImageGenerationErrorKind.Timeout, null)]
    [TestCase(ImageGenerationErrorKind.Network, null)]
    public void Server_errors_timeouts_and_network_failures_count_even_when_marked_not_transient(ImageGenerationErrorKind kind, int? status)
    {
        CircuitBreakingImageGenerator breaker = Create();
        for (int i = 0; i < 4; i++)
        {
            // x-should-retry: false stops retries, but the provider is still failing.
            _fake.ThenThrow(new ImageGenerationException(kind, "down") { StatusCode = status, IsTransient = false });
            Assert.ThrowsAsync<ImageGenerationException>(() => breaker.GenerateAsync(Request));
        }

        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));
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
        await FailTimesAsync(breaker, 6, ImageGenerationErrorKind.RateLimited, localRefusal: true); // a local limiter refused
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
        Assert.That(_logger.Messages(LogLevel.Warning).Last(), Does.Contain("Image generation on p was refused locally before reaching the provider (Unavailable)"));
    }

    [Test]
    public void Builder_skips_the_layer_when_disabled()
    {
        IImageGenerator built = new ImageGeneratorBuilder(_fake).UseCircuitBreaker(new CircuitBreakerOptions { Enabled = false }, "p").Build();
        Assert.That(built, Is.SameAs(_fake));
    }
}
