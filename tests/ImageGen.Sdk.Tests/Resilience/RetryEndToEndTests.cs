using System.Globalization;
using System.Net;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.DependencyInjection;
using ImageGen.Sdk.Tests.Providers.OpenAI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Resilience;

/// <summary>
/// The whole default stack of <c>AddImageGeneration()</c> with the real OpenAI client (a MockHttp handler behind its
/// named HttpClient) and a fake clock: each 429's retry delay header, in all three forms, decides the wait; what the
/// client classifies from status, body and <c>x-should-retry</c> decides what is sent again.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class RetryEndToEndTests : IDisposable
{
    private const string RateLimitBody = """{"error":{"message":"Rate limit reached for images per minute.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";

    private readonly OpenAIMock _mock = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<DateTimeOffset> _arrivals = [];

    private ManualTimeProvider Time => _mock.Time;

    public void Dispose() => _mock.Dispose();

    [Test]
    public async Task Each_wait_is_the_delay_the_server_asked_for_in_all_three_header_forms()
    {
        DateTimeOffset start = Time.GetUtcNow();

        // The date form is read against the fake clock when the third 429 arrives: 7 s + 3 s after the start.
        DateTimeOffset retryAt = start + TimeSpan.FromSeconds(7 + 3 + 20);
        Respond(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after", "7"));
        Respond(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after-ms", "3000"));
        Respond(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after", retryAt.ToString("r", CultureInfo.InvariantCulture)));
        Respond(HttpStatusCode.OK, TestImages.ImagesResponseJson(TestImages.Png(8, 8)), ("x-request-id", "req_after_waits"));
        await using ServiceProvider services = BuildServices();

        Task<ImageGenerationResult> call = services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox"));

        TimeSpan[] waits = [TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20)];
        for (int i = 0; i < waits.Length; i++)
        {
            await WaitForRetryAnnouncedAsync(i + 1);

            // Just short of the requested wait nothing is sent; at the wait the next attempt goes out.
            Time.Advance(waits[i] - TimeSpan.FromMilliseconds(1));
            Assert.That(RequestCount, Is.EqualTo(i + 1), $"attempt {i + 2} was sent before the server's delay passed");
            Time.Advance(TimeSpan.FromMilliseconds(1));
            await Clock.WaitUntilAsync(() => RequestCount == i + 2, () => $"attempt {i + 2} was not sent when the server's delay passed");
        }

        ImageGenerationResult result = await Clock.Completed(call);

        Assert.Multiple(() =>
        {
            Assert.That(result.Attempts, Is.EqualTo(4));
            Assert.That(result.ProviderRequestId, Is.EqualTo("req_after_waits"));
            Assert.That(AnnouncedDelays(), Is.EqualTo(waits), "the header values, not the 1 s / 2 s / 4 s backoff");
            Assert.That(_arrivals.Select(a => a - start), Is.EqualTo(new[] { TimeSpan.Zero, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30) }));
            Assert.That(
                _logs.Entries.Where(e => e.Level == LogLevel.Information && e.Category.EndsWith("RetryingImageGenerator", StringComparison.Ordinal)).Select(e => e.Message),
                Is.EqualTo(new[]
                {
                    "Image generation on openai: attempt 1/4 failed: RateLimited; retrying in 7000 ms",
                    "Image generation on openai: attempt 2/4 failed: RateLimited; retrying in 3000 ms",
                    "Image generation on openai: attempt 3/4 failed: RateLimited; retrying in 20000 ms",
                }));
        });
    }

    [Test]
    public async Task Cancelling_during_the_servers_wait_returns_at_once_and_sends_nothing_more()
    {
        Respond(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after", "30"));
        await using ServiceProvider services = BuildServices();
        using CancellationTokenSource cts = new();

        Task<ImageGenerationResult> call = services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox"), cts.Token);
        await WaitForRetryAnnouncedAsync(1);
        Time.Advance(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        // No fake time passes: the call ends because of the token, not because the wait ran out.
        await Clock.WaitUntilAsync(() => call.IsCompleted, () => "the call kept waiting after cancellation");
        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());

        // With no timer armed, moving the clock cannot release a later send: checked before the advance, this holds
        // however slowly continuations run (a settle loop after it would pass on a loaded machine without testing).
        await Clock.WaitUntilAsync(() => Time.ActiveTimerCount == 0, () => $"{Time.ActiveTimerCount} waits or time-outs left behind after cancellation");
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(RequestCount, Is.EqualTo(1), "nothing is sent after cancellation");
    }

    [Test]
    public async Task A_server_delay_above_MaxRetryAfter_fails_at_once_with_RetryAfter_set()
    {
        Respond(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after", "180"));
        await using ServiceProvider services = BuildServices();

        Task<ImageGenerationResult> call = services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox"));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(async () => await Clock.Completed(call));
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
            Assert.That(thrown.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(180)));
            Assert.That(RequestCount, Is.EqualTo(1));
            Assert.That(_logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.Some.Contains("more than MaxRetryAfter (120000 ms)"));
        });
    }

    [TestCase(400, """{"error":{"message":"Invalid size.","type":"invalid_request_error","param":"size","code":"invalid_value"}}""", ImageGenerationErrorKind.InvalidRequest)]
    [TestCase(400, """{"error":{"message":"Your request was rejected by the safety system.","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}""", ImageGenerationErrorKind.ContentFiltered)]
    [TestCase(401, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""", ImageGenerationErrorKind.Authentication)]
    [TestCase(403, """{"error":{"message":"Forbidden.","type":"invalid_request_error","param":null,"code":null}}""", ImageGenerationErrorKind.PermissionDenied)]
    [TestCase(404, """{"error":{"message":"The model does not exist.","type":"invalid_request_error","param":null,"code":"model_not_found"}}""", ImageGenerationErrorKind.NotFound)]
    [TestCase(422, """{"error":{"message":"Unprocessable.","type":"invalid_request_error","param":null,"code":null}}""", ImageGenerationErrorKind.InvalidRequest)]
    [TestCase(429, """{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""", ImageGenerationErrorKind.QuotaExceeded)]
    public async Task A_non_transient_answer_is_sent_exactly_once(int status, string body, ImageGenerationErrorKind kind)
    {
        Respond((HttpStatusCode)status, body, ("retry-after", "1"));
        await using ServiceProvider services = BuildServices();

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(async () => await Clock.Completed(
            services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox"))));

        Assert.That((thrown!.Kind, thrown.StatusCode, RequestCount), Is.EqualTo((kind, (int?)status, 1)));
    }

    [TestCase(408, "timeout", null)]
    [TestCase(409, "conflict", null)]
    [TestCase(500, "server_error", null)]
    [TestCase(503, "server_error", null)]
    [TestCase(429, "rate_limit_exceeded", null)]
    [TestCase(400, "invalid_value", "true")]
    public async Task A_transient_answer_or_one_marked_retryable_is_sent_again(int status, string code, string? shouldRetry)
    {
        (string, string)[] headers = shouldRetry is null ? [] : [("x-should-retry", shouldRetry)];
        Respond((HttpStatusCode)status, $$$"""{"error":{"message":"m","type":"t","param":null,"code":"{{{code}}}"}}""", headers);
        Respond(HttpStatusCode.OK, TestImages.ImagesResponseJson(TestImages.Png(8, 8)));
        await using ServiceProvider services = BuildServices(options => options.Retry.BaseDelay = TimeSpan.Zero);

        ImageGenerationResult result = await Clock.Completed(services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox")));

        Assert.That((result.Attempts, RequestCount), Is.EqualTo((2, 2)));
    }

    [Test]
    public async Task A_server_error_marked_do_not_retry_is_sent_once()
    {
        Respond(HttpStatusCode.ServiceUnavailable, """{"error":{"message":"m","type":"server_error","param":null,"code":null}}""", ("x-should-retry", "false"));
        await using ServiceProvider services = BuildServices(options => options.Retry.BaseDelay = TimeSpan.Zero);

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(async () => await Clock.Completed(
            services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox"))));

        Assert.That((thrown!.Kind, thrown.IsTransient, RequestCount), Is.EqualTo((ImageGenerationErrorKind.ServerError, false, 1)));
    }

    private int RequestCount
    {
        get
        {
            lock (_arrivals)
            {
                return _arrivals.Count;
            }
        }
    }

    private void Respond(HttpStatusCode status, string body, params (string Name, string Value)[] headers) => _mock.Enqueue(() =>
    {
        lock (_arrivals)
        {
            _arrivals.Add(Time.GetUtcNow());
        }

        return OpenAIMock.Json(body, status, headers);
    });

    private TimeSpan[] AnnouncedDelays() => _logs.Entries
        .Where(e => e.EventId.Id == 4001)
        .Select(e => TimeSpan.FromMilliseconds(long.Parse(e.Message[(e.Message.LastIndexOf("in ", StringComparison.Ordinal) + 3)..^3], CultureInfo.InvariantCulture)))
        .ToArray();

    private async Task WaitForRetryAnnouncedAsync(int count)
    {
        await Clock.WaitUntilAsync(() => _logs.Entries.Count(e => e.EventId.Id == 4001) >= count, () => $"retry {count} was never announced");

        // The retry layer logs just before it starts its delay timer: wait for that timer (besides the total time-out).
        await Time.WaitForTimersAsync(2);
    }

    private ServiceProvider BuildServices(Action<ImageGenerationOptions>? configure = null)
    {
        ServiceCollection services = new();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddImageGeneration(options =>
        {
            options.Providers["openai"] = new ImageProviderOptions { Type = ImageProviderTypes.OpenAI, ApiKey = OpenAIMock.ApiKey };
            configure?.Invoke(options);
        });
        services.AddHttpClient(ImageGenerationHttpClientNames.ForProvider("openai")).ConfigurePrimaryHttpMessageHandler(() => _mock.Handler);
        services.UseFakeEnvironment();
        return services.BuildServiceProvider();
    }
}
