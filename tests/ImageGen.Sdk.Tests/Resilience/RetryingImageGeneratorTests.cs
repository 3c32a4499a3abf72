using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Resilience;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class RetryingImageGeneratorTests
{
    private static readonly ImageGenerationRequest Request = new("a red backpack");

    private readonly ManualTimeProvider _time = new();
    private readonly ListLogger _logger = new();
    private readonly FakeImageGenerator _fake = new("p");

    private RetryingImageGenerator Create(RetryOptions? options = null, IImageGenerator? inner = null)
        => new(inner ?? _fake, options ?? new RetryOptions(), "p", _time, _logger);

    // The wire forms (retry-after-ms, retry-after in seconds or as an HTTP date) are parsed by the providers (tested
    // there) and reach this layer as ImageGenerationException.RetryAfter; this layer only sees the delay.
    [TestCase(250, Description = "retry-after-ms: 250")]
    [TestCase(7_000, Description = "retry-after: 7 (seconds) or an HTTP date 7 s ahead")]
    [TestCase(34_000, Description = "a delay longer than the default backoff cap")]
    public async Task Retry_after_from_the_provider_replaces_the_backoff(int retryAfterMs)
    {
        TimeSpan retryAfter = TimeSpan.FromMilliseconds(retryAfterMs);
        _fake.ThenFail(ImageGenerationErrorKind.RateLimited, retryAfter, status: 429).ThenSucceed();
        Task<ImageGenerationResult> call = Create().GenerateAsync(Request);

        await _time.WaitForTimersAsync(2); // total timeout + the wait
        _time.Advance(retryAfter - TimeSpan.FromMilliseconds(1));
        await Task.Yield();
        Assert.That(_fake.CallCount, Is.EqualTo(1), "retried before the provider's delay elapsed");

        _time.Advance(TimeSpan.FromMilliseconds(1));
        ImageGenerationResult result = await Clock.Completed(call);
        Assert.That(_fake.CallCount, Is.EqualTo(2));
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(_logger.RetryDelays(), Is.EqualTo(new[] { retryAfter }));
    }

    [Test]
    public async Task Retry_after_is_ignored_when_RespectRetryAfter_is_off()
    {
        _fake.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), status: 429).ThenSucceed();
        Task<ImageGenerationResult> call = Create(new RetryOptions { RespectRetryAfter = false, UseJitter = false }).GenerateAsync(Request);

        await _time.WaitForTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await Clock.Completed(call)).Attempts, Is.EqualTo(2));
        Assert.That(_logger.RetryDelays(), Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
    }

    [Test]
    public async Task Exponential_delays_with_jitter_stay_within_half_and_all_of_the_capped_backoff()
    {
        RetryOptions options = new() { MaxRetries = 6, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10) };
        for (int i = 0; i < 6; i++)
        {
            _fake.ThenFail(ImageGenerationErrorKind.ServerError);
        }

        _fake.ThenSucceed();
        Task<ImageGenerationResult> call = Create(options).GenerateAsync(Request);
        // Small steps, so one step never fires two waits in a row (each is at least 500 ms).
        for (int i = 0; i < 20_000 && !call.IsCompleted; i++)
        {
            if (_time.ActiveTimerCount >= 2)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
            }
            else
            {
                await Task.Delay(1);
            }
        }

        Assert.That((await Clock.Completed(call)).Attempts, Is.EqualTo(7));
        double[] nominal = [1, 2, 4, 8, 10, 10];
        List<TimeSpan> delays = _logger.RetryDelays();
        Assert.That(delays, Has.Count.EqualTo(6));
        for (int n = 0; n < 6; n++)
        {
            Assert.That(delays[n].TotalSeconds, Is.InRange((nominal[n] / 2) - 0.001, nominal[n]), $"retry {n + 1}");
        }
    }

    [TestCase(0.0, new[] { 500, 1000, 2000, 4000, 5000 })]
    [TestCase(1.0, new[] { 1000, 2000, 4000, 8000, 10000 })]
    public void Backoff_is_exponential_capped_then_jittered(double random, int[] expectedMs)
    {
        RetryingImageGenerator generator = new(_fake, new RetryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10) }, "p", _time, null, () => random);
        int[] actual = Enumerable.Range(0, 5).Select(n => (int)generator.ComputeBackoff(n).TotalMilliseconds).ToArray();
        Assert.That(actual, Is.EqualTo(expectedMs));
    }

    [TestCase(RetryBackoffType.Constant, new[] { 2000, 2000, 2000 })]
    [TestCase(RetryBackoffType.Linear, new[] { 2000, 4000, 6000 })]
    public void Constant_and_linear_backoff(RetryBackoffType type, int[] expectedMs)
    {
        RetryingImageGenerator generator = new(_fake, new RetryOptions { BaseDelay = TimeSpan.FromSeconds(2), BackoffType = type, UseJitter = false }, "p", _time, null, null);
        Assert.That(Enumerable.Range(0, 3).Select(n => (int)generator.ComputeBackoff(n).TotalMilliseconds), Is.EqualTo(expectedMs));
    }

    [TestCase(ImageGenerationErrorKind.InvalidRequest)]
    [TestCase(ImageGenerationErrorKind.Authentication)]
    [TestCase(ImageGenerationErrorKind.PermissionDenied)]
    [TestCase(ImageGenerationErrorKind.NotFound)]
    [TestCase(ImageGenerationErrorKind.QuotaExceeded)]
    [TestCase(ImageGenerationErrorKind.ContentFiltered)]
    [TestCase(ImageGenerationErrorKind.BudgetExceeded)]
    [TestCase(ImageGenerationErrorKind.InvalidResponse)]
    public void Non_transient_failures_are_not_retried(ImageGenerationErrorKind kind)
    {
        ImageGenerationException failure = new(kind, "nope") { Provider = "p" };
        _fake.ThenThrow(failure);
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(Request));
        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.Contain($"attempt 1/4 failed: {kind}; giving up (not transient)"));
    }

    [TestCase(ImageGenerationErrorKind.QuotaExceeded)]
    [TestCase(ImageGenerationErrorKind.BudgetExceeded)]
    [TestCase(ImageGenerationErrorKind.ContentFiltered)]
    [TestCase(ImageGenerationErrorKind.Authentication)]
    [TestCase(ImageGenerationErrorKind.PermissionDenied)]
    public void Billing_safety_and_credential_failures_are_not_retried_even_when_marked_transient(ImageGenerationErrorKind kind)
    {
        _fake.ThenThrow(new ImageGenerationException(kind, "nope") { IsTransient = true });
        Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(Request));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_provider_that_marks_a_failure_transient_is_retried_and_one_that_says_do_not_retry_is_not()
    {
        // x-should-retry: true on a 409, then x-should-retry: false on a 503.
        _fake.ThenThrow(new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, "conflict") { StatusCode = 409, IsTransient = true })
            .ThenThrow(new ImageGenerationException(ImageGenerationErrorKind.ServerError, "busy") { StatusCode = 503, IsTransient = false });
        Task<ImageGenerationResult> call = Create(new RetryOptions { UseJitter = false }).GenerateAsync(Request);
        await _time.WaitForTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1));
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));
        Assert.That(thrown!.StatusCode, Is.EqualTo(503));
        Assert.That(_fake.CallCount, Is.EqualTo(2));
    }

    [TestCase(ImageGenerationErrorKind.InvalidRequest, 400)]
    [TestCase(ImageGenerationErrorKind.NotFound, 404)]
    [TestCase(ImageGenerationErrorKind.InvalidRequest, 422)]
    public async Task Caller_error_kinds_follow_the_provider_when_it_says_retry(ImageGenerationErrorKind kind, int status)
    {
        // x-should-retry: true wins for every kind but the billing, safety and credential ones.
        _fake.ThenThrow(new ImageGenerationException(kind, "retry me") { StatusCode = status, IsTransient = true }).ThenSucceed();
        Task<ImageGenerationResult> call = Create(new RetryOptions { UseJitter = false }).GenerateAsync(Request);
        await _time.WaitForTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await Clock.Completed(call)).Attempts, Is.EqualTo(2));
    }

    [TestCase(0)]
    [TestCase(-5_000)]
    public async Task A_zero_or_past_retry_after_uses_the_computed_backoff(int retryAfterMs)
    {
        // A retry-after HTTP date in the past parses to a negative delay.
        _fake.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromMilliseconds(retryAfterMs), status: 429).ThenSucceed();
        Task<ImageGenerationResult> call = Create(new RetryOptions { UseJitter = false }).GenerateAsync(Request);

        await Clock.WaitUntilAsync(() => _logger.RetryDelays().Count == 1, () => "no retry was announced");
        Assert.That(_logger.RetryDelays(), Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        await _time.WaitForTimersAsync(2);
        Assert.That(_fake.CallCount, Is.EqualTo(1), "retried at once, without backoff");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await Clock.Completed(call)).Attempts, Is.EqualTo(2));
    }

    [TestCase(ImageGenerationErrorKind.RateLimited)]
    [TestCase(ImageGenerationErrorKind.Unavailable)]
    public async Task A_local_refusal_is_not_retried_and_keeps_its_retry_after(ImageGenerationErrorKind kind)
    {
        // The rate limiter, key rotation or circuit breaker below already waited as long as it was allowed.
        ImageGenerationException refusal = new(kind, "refused locally") { Provider = "p", RetryAfter = TimeSpan.FromSeconds(5), IsLocalRefusal = true };
        _fake.ThenThrow(refusal).ThenSucceed();
        Task<ImageGenerationResult> call = Create().GenerateAsync(Request);

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));
        Assert.That(thrown, Is.SameAs(refusal));
        Assert.That(thrown!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
        Assert.That(_time.ActiveTimerCount, Is.Zero, "nothing waits after a local refusal");
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.Contain("Image generation on p was refused locally before reaching the provider").And.Not.Contain("attempt 1/4"));
        Assert.That(thrown.Attempts, Is.Zero, "nothing was sent");
    }

    [Test]
    public void A_call_refused_because_its_key_is_retired_is_logged_as_a_refusal_not_a_failed_attempt()
    {
        // What the key layer throws when every key was retired by a 401: Authentication, refused locally, nothing sent.
        _fake.ThenThrow(new ImageGenerationException(ImageGenerationErrorKind.Authentication, "every key is retired") { Provider = "p", IsLocalRefusal = true });

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(Request));

        string logged = _logger.Messages(LogLevel.Warning).Single();
        Assert.That(logged, Does.Not.Contain("attempt 1/4 failed").And.Not.Contain("giving up"));
        Assert.That(logged, Is.EqualTo("Image generation on p was refused locally before reaching the provider (Authentication) after 0 provider attempt(s); not retried"));
        Assert.That(thrown!.Attempts, Is.Zero);
    }

    [Test]
    public void A_refusal_after_provider_attempts_counts_only_those()
    {
        _fake.ThenFail(ImageGenerationErrorKind.ServerError, status: 503)
            .ThenThrow(new ImageGenerationException(ImageGenerationErrorKind.Unavailable, "circuit open") { Provider = "p", IsLocalRefusal = true });

        Task<ImageGenerationResult> call = Create(new RetryOptions { BaseDelay = TimeSpan.Zero }).GenerateAsync(Request);
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));

        Assert.That(thrown!.Attempts, Is.EqualTo(1));
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.EndWith("(Unavailable) after 1 provider attempt(s); not retried"));
    }

    [Test]
    public async Task An_HttpClient_timeout_is_retried_then_reported_as_Timeout()
    {
        // A custom provider's HttpClient.Timeout: a cancellation wrapping a TimeoutException, on a token nobody here cancelled.
        _fake.Handler = (_, _) => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.", new TimeoutException("The operation was canceled."));
        Task<ImageGenerationResult> call = Create(new RetryOptions { MaxRetries = 1, UseJitter = false }).GenerateAsync(Request);
        await _time.WaitForTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));
        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
        Assert.That(thrown.Provider, Is.EqualTo("p"));
        Assert.That(thrown.InnerException, Is.TypeOf<TaskCanceledException>());
        Assert.That(_fake.CallCount, Is.EqualTo(2));
        Assert.That(TransientFailures.GetAttempts(thrown), Is.EqualTo(2));
    }

    [Test]
    public void MaxRetries_zero_disables_retries()
    {
        _fake.ThenFail(ImageGenerationErrorKind.ServerError).ThenSucceed();
        Assert.ThrowsAsync<ImageGenerationException>(() => Create(new RetryOptions { MaxRetries = 0 }).GenerateAsync(Request));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.Contain("attempt 1/1 failed: ServerError; giving up (retries disabled)"));
    }

    [Test]
    public void Request_MaxRetries_zero_overrides_the_options()
    {
        _fake.ThenFail(ImageGenerationErrorKind.ServerError).ThenSucceed();
        Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(Request with { MaxRetries = 0 }));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
    }

    [TestCase(-1)]
    [TestCase(11)]
    public void Request_MaxRetries_out_of_range_is_a_caller_mistake_before_any_call(int maxRetries)
    {
        Assert.That(() => Create().GenerateAsync(Request with { MaxRetries = maxRetries }), Throws.ArgumentException.With.Property("ParamName").EqualTo("request.MaxRetries"));
        Assert.That(_fake.CallCount, Is.Zero);
    }

    [Test]
    public async Task Request_MaxRetries_overrides_the_options_per_call()
    {
        _fake.Handler = (_, _) => throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "down");
        Task<ImageGenerationResult> call = Create(new RetryOptions { MaxRetries = 1, UseJitter = false }).GenerateAsync(Request with { MaxRetries = 2 });
        for (int i = 0; i < 2; i++)
        {
            await _time.WaitForTimersAsync(2);
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));
        Assert.That(_fake.CallCount, Is.EqualTo(3));
        Assert.That(TransientFailures.GetAttempts(thrown!), Is.EqualTo(3));
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.Contain("attempt 3/3 failed: ServerError; giving up (no retries left)"));
    }

    [Test]
    public async Task Cancellation_during_a_wait_returns_at_once_and_sends_nothing_more()
    {
        _fake.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(60), status: 429).ThenSucceed();
        using CancellationTokenSource cts = new();
        Task<ImageGenerationResult> call = Create().GenerateAsync(Request, cts.Token);
        await _time.WaitForTimersAsync(2);

        await cts.CancelAsync();
        Assert.That(async () => await Clock.Completed(call), Throws.InstanceOf<OperationCanceledException>());
        _time.Advance(TimeSpan.FromMinutes(10));
        await Task.Yield();
        Assert.That(_fake.CallCount, Is.EqualTo(1));
        Assert.That(_time.ActiveTimerCount, Is.Zero, "a timer outlived the cancelled call");
        Assert.That(_logger.Messages(LogLevel.Warning), Is.Empty, "the caller's cancellation is not a failure");
    }

    [Test]
    public async Task Total_timeout_ends_a_hung_attempt_as_a_Timeout()
    {
        _fake.Handler = Clock.HangAsync;
        Task<ImageGenerationResult> call = Create(new RetryOptions { TotalTimeout = TimeSpan.FromSeconds(90) }).GenerateAsync(Request);
        await _time.WaitForTimersAsync(1);
        _time.Advance(TimeSpan.FromSeconds(90));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));
        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
        Assert.That(thrown.Provider, Is.EqualTo("p"));
        Assert.That(thrown.Message, Does.Contain("total timeout"));
        Assert.That(thrown.InnerException, Is.Null, "no Polly type reaches the caller");
        Assert.That(_fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void A_wait_that_would_pass_the_total_timeout_fails_now()
    {
        _fake.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(20), status: 429).ThenSucceed();
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(
            () => Create(new RetryOptions { TotalTimeout = TimeSpan.FromSeconds(15) }).GenerateAsync(Request));
        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(thrown.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.Contain("would pass the total timeout"));
    }

    [Test]
    public void A_retry_after_above_MaxRetryAfter_fails_at_once_with_the_delay()
    {
        _fake.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromMinutes(5), status: 429).ThenSucceed();
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(Request));
        Assert.That(thrown!.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
        Assert.That(_logger.Messages(LogLevel.Warning).Single(), Does.Contain("more than MaxRetryAfter"));
    }

    [Test]
    public async Task An_attempt_timeout_is_retried()
    {
        _fake.Then(Clock.HangAsync).ThenSucceed();
        RetryingImageGenerator generator = Create(new RetryOptions { UseJitter = false }, new AttemptTimeoutImageGenerator(_fake, TimeSpan.FromSeconds(5), "p", _time));
        Task<ImageGenerationResult> call = generator.GenerateAsync(Request);

        await _time.WaitForTimersAsync(2); // total + attempt timeout
        _time.Advance(TimeSpan.FromSeconds(5));
        await Clock.WaitUntilAsync(() => _logger.RetryDelays().Count == 1);
        await _time.WaitForTimersAsync(2); // total + backoff
        _time.Advance(TimeSpan.FromSeconds(1));

        ImageGenerationResult result = await Clock.Completed(call);
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(_logger.Messages(LogLevel.Information).First(), Does.Contain("attempt 1/4 failed: Timeout; retrying in 1000 ms"));
    }

    [Test]
    public async Task Connection_failures_are_retried_then_reported_as_Network()
    {
        _fake.ThenThrow(new HttpRequestException("connection reset"))
            .ThenThrow(new IOException("unexpected end of stream"));
        Task<ImageGenerationResult> call = Create(new RetryOptions { MaxRetries = 1, UseJitter = false }).GenerateAsync(Request);
        await _time.WaitForTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Clock.Completed(call));
        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Network));
        Assert.That(thrown.InnerException, Is.TypeOf<IOException>());
        Assert.That(_fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Each_failed_attempt_is_logged_with_number_kind_and_wait_and_the_result_counts_attempts()
    {
        _fake.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(2), status: 429)
            .ThenFail(ImageGenerationErrorKind.ServerError)
            .ThenSucceed();
        Task<ImageGenerationResult> call = Create(new RetryOptions { UseJitter = false }).GenerateAsync(Request);
        await _time.WaitForTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Clock.WaitUntilAsync(() => _logger.RetryDelays().Count == 2);
        await _time.WaitForTimersAsync(2);
        _time.Advance(TimeSpan.FromSeconds(2));

        ImageGenerationResult result = await Clock.Completed(call);
        Assert.That(result.Attempts, Is.EqualTo(3));
        Assert.That(_logger.Messages(LogLevel.Information), Is.EqualTo(new[]
        {
            "Image generation on p: attempt 1/4 failed: RateLimited; retrying in 2000 ms",
            "Image generation on p: attempt 2/4 failed: ServerError; retrying in 2000 ms",
        }));
    }

    [Test]
    public void An_open_circuit_is_not_waited_out()
    {
        // How the circuit breaker marks its refusal: Unavailable without an HTTP status.
        ImageGenerationException open = new(ImageGenerationErrorKind.Unavailable, "open") { RetryAfter = TimeSpan.FromSeconds(10), IsLocalRefusal = true };
        _fake.ThenThrow(open).ThenSucceed();
        Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(Request));
        Assert.That(_fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void Invalid_options_are_rejected()
    {
        Assert.That(() => new RetryingImageGenerator(_fake, new RetryOptions { MaxRetries = 11 }),
            Throws.ArgumentException.With.Message.Contains("MaxRetries must be between 0 and 10"));
    }
}
