using System.Net;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class OpenAIImageGeneratorErrorTests
{
    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    // Every row of the reference table (provider-wire-formats.md §1 "Errors").
    private static IEnumerable<TestCaseData> ErrorShapes()
    {
        yield return Row(400, "invalid_request_error", "unknown_parameter", ImageGenerationErrorKind.InvalidRequest, false, "unknown parameter");
        yield return Row(400, "invalid_request_error", "invalid_value", ImageGenerationErrorKind.InvalidRequest, false, "invalid value");
        yield return Row(400, "invalid_request_error", "missing_required_parameter", ImageGenerationErrorKind.InvalidRequest, false, "missing parameter");
        yield return Row(400, "invalid_request_error", "content_policy_violation", ImageGenerationErrorKind.ContentFiltered, false, "dall-e refusal");
        yield return Row(400, "image_generation_user_error", "moderation_blocked", ImageGenerationErrorKind.ContentFiltered, false, "gpt-image moderation");
        yield return Row(401, "invalid_request_error", "invalid_api_key", ImageGenerationErrorKind.Authentication, false, "bad key");
        yield return Row(402, "billing_error", null, ImageGenerationErrorKind.QuotaExceeded, false, "payment required");
        yield return Row(403, "invalid_request_error", null, ImageGenerationErrorKind.PermissionDenied, false, "forbidden");
        yield return Row(404, "invalid_request_error", "model_not_found", ImageGenerationErrorKind.NotFound, false, "no model");
        yield return Row(408, "timeout", null, ImageGenerationErrorKind.Timeout, true, "request timeout");
        yield return Row(409, "conflict", null, ImageGenerationErrorKind.ServerError, true, "conflict");
        yield return Row(422, "invalid_request_error", null, ImageGenerationErrorKind.InvalidRequest, false, "unprocessable");
        yield return Row(429, "requests", "rate_limit_exceeded", ImageGenerationErrorKind.RateLimited, true, "rate limit");
        yield return Row(429, "insufficient_quota", "insufficient_quota", ImageGenerationErrorKind.QuotaExceeded, false, "no quota");
        yield return Row(429, "insufficient_quota", "credit_balance_exhausted", ImageGenerationErrorKind.QuotaExceeded, false, "no credit");
        yield return Row(500, "server_error", null, ImageGenerationErrorKind.ServerError, true, "500");
        yield return Row(503, "server_error", null, ImageGenerationErrorKind.ServerError, true, "503");

        static TestCaseData Row(int status, string type, string? code, ImageGenerationErrorKind kind, bool transient, string name)
            => new TestCaseData(status, type, code, kind, transient).SetName($"HTTP {status} {type}/{code ?? "null"} is {kind} ({name})");
    }

    [TestCaseSource(nameof(ErrorShapes))]
    public void Maps_each_error_shape_to_a_kind(int status, string type, string? code, ImageGenerationErrorKind kind, bool transient)
    {
        string codeJson = code is null ? "null" : $"\"{code}\"";
        _mock.Enqueue((HttpStatusCode)status, $$$"""{"error":{"message":"Something about {{{type}}}.","type":"{{{type}}}","param":null,"code":{{{codeJson}}}}}""", ("x-request-id", "req_err"));
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(kind));
        Assert.That(ex.IsTransient, Is.EqualTo(transient));
        Assert.That(ex.StatusCode, Is.EqualTo(status));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo(code ?? type));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_err"));
        Assert.That(ex.Provider, Is.EqualTo("openai"));
        Assert.That(ex.Message, Does.Contain($"Something about {type}."));
    }

    [Test]
    public void Reads_retry_after_ms_first()
    {
        _mock.Enqueue(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after-ms", "1500"), ("retry-after", "9"));

        Assert.That(Capture().RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
    }

    [Test]
    public void Reads_retry_after_seconds()
    {
        _mock.Enqueue(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after", "20"));

        Assert.That(Capture().RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void Reads_retry_after_http_date_relative_to_the_time_provider()
    {
        DateTimeOffset at = _mock.Time.GetUtcNow().AddSeconds(45);
        _mock.Enqueue(HttpStatusCode.ServiceUnavailable, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\",\"param\":null,\"code\":null}}", ("retry-after", at.ToString("r")));

        ImageGenerationException ex = Capture();

        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(45)));
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError));
    }

    [Test]
    public void Retry_after_in_the_past_is_zero_and_garbage_is_ignored()
    {
        _mock.Enqueue(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after", _mock.Time.GetUtcNow().AddHours(-1).ToString("r")));
        _mock.Enqueue(HttpStatusCode.TooManyRequests, RateLimitBody, ("retry-after", "soon"));

        Assert.That(Capture().RetryAfter, Is.EqualTo(TimeSpan.Zero));
        Assert.That(Capture().RetryAfter, Is.Null);
    }

    [TestCase(429, "insufficient_quota", "insufficient_quota", ImageGenerationErrorKind.QuotaExceeded)]
    [TestCase(429, "requests", "credit_balance_exhausted", ImageGenerationErrorKind.QuotaExceeded)]
    [TestCase(402, "billing", null, ImageGenerationErrorKind.QuotaExceeded)]
    [TestCase(400, "invalid_request_error", "content_policy_violation", ImageGenerationErrorKind.ContentFiltered)]
    [TestCase(401, "invalid_request_error", "invalid_api_key", ImageGenerationErrorKind.Authentication)]
    [TestCase(403, "invalid_request_error", null, ImageGenerationErrorKind.PermissionDenied)]
    public void X_should_retry_true_never_makes_a_permanent_failure_transient(int status, string type, string? code, ImageGenerationErrorKind kind)
    {
        string codeJson = code is null ? "null" : $"\"{code}\"";
        _mock.Enqueue((HttpStatusCode)status, $$$"""{"error":{"message":"m","type":"{{{type}}}","param":null,"code":{{{codeJson}}}}}""", ("x-should-retry", "true"));

        ImageGenerationException ex = Capture();

        Assert.That((ex.Kind, ex.IsTransient), Is.EqualTo((kind, false)));
    }

    [TestCase(HttpStatusCode.TooManyRequests, "false", false)]
    [TestCase(HttpStatusCode.InternalServerError, "false", false)]
    [TestCase(HttpStatusCode.BadRequest, "true", true)]
    [TestCase(HttpStatusCode.Conflict, "TRUE", true)]
    public void X_should_retry_overrides_the_default(HttpStatusCode status, string header, bool transient)
    {
        _mock.Enqueue(status, "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":null}}", ("x-should-retry", header));

        Assert.That(Capture().IsTransient, Is.EqualTo(transient));
    }

    [Test]
    public void Html_502_from_a_gateway_is_a_transient_server_error()
    {
        _mock.Enqueue(() => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>", System.Text.Encoding.UTF8, "text/html"),
        });

        ImageGenerationException ex = Capture();

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.StatusCode, Is.EqualTo(502));
        Assert.That(ex.ProviderErrorCode, Is.Null);
        Assert.That(ex.Message, Does.Contain("502").And.Contain("was not JSON"));
    }

    [Test]
    public void Empty_error_body_is_classified_by_status()
    {
        _mock.Enqueue(() => new HttpResponseMessage(HttpStatusCode.Unauthorized));

        Assert.That(Capture().Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
    }

    [Test]
    public void Numeric_error_code_from_a_gateway_is_read_as_text()
    {
        _mock.Enqueue(HttpStatusCode.TooManyRequests, "{\"error\":{\"message\":\"slow down\",\"type\":null,\"param\":null,\"code\":429}}");

        ImageGenerationException ex = Capture();

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("429"));
    }

    [Test]
    public void Messages_never_contain_the_configured_key()
    {
        // A gateway that echoes the whole key back in its message.
        _mock.Enqueue(HttpStatusCode.Unauthorized, $$$"""{"error":{"message":"Incorrect API key provided: {{{OpenAIMock.ApiKey}}}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");
        _mock.Enqueue(HttpStatusCode.Unauthorized, """{"error":{"message":"Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");

        ImageGenerationException first = Capture();
        ImageGenerationException second = Capture();

        Assert.That(first.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(first.Message, Does.Not.Contain(OpenAIMock.ApiKey));
        Assert.That(first.Message, Does.Contain("KLMN"), "a fingerprint remains for support");
        Assert.That(second.Message, Does.Not.Contain("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"));
        Assert.That(first.ToString(), Does.Not.Contain(OpenAIMock.ApiKey));
    }

    [Test]
    public void Connection_failure_is_a_transient_network_error()
    {
        OpenAIImageGenerator generator = new(new OpenAIImageGeneratorOptions { ApiKey = OpenAIMock.ApiKey }, new ProviderTransport(new HttpClient(new ThrowingHandler(new HttpRequestException("Connection refused (127.0.0.1:1)")))));

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.Network));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.InnerException, Is.InstanceOf<HttpRequestException>());
    }

    [Test]
    public void Http_client_timeout_is_a_transient_timeout()
    {
        // What HttpClient throws when HttpClient.Timeout elapses: a TaskCanceledException the caller did not ask for.
        OpenAIImageGenerator generator = new(new OpenAIImageGeneratorOptions { ApiKey = OpenAIMock.ApiKey }, new ProviderTransport(new HttpClient(new ThrowingHandler(new TaskCanceledException("timed out", new TimeoutException())))));

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
        Assert.That(ex.IsTransient, Is.True);
    }

    [Test]
    public void Caller_cancellation_surfaces_as_operation_canceled()
    {
        StallingHandler handler = new();
        OpenAIImageGenerator generator = new(new OpenAIImageGeneratorOptions { ApiKey = OpenAIMock.ApiKey }, new ProviderTransport(new HttpClient(handler)));
        using CancellationTokenSource cts = new();

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("p"), cts.Token);
        Assert.That(handler.Started.Wait(TimeSpan.FromSeconds(5)), Is.True);
        cts.Cancel();

        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Already_cancelled_token_makes_no_call()
    {
        OpenAIImageGenerator generator = _mock.Create();

        Assert.That(() => generator.GenerateAsync(new ImageGenerationRequest("p"), new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_mock.Requests, Is.Empty);
    }

    private const string RateLimitBody = "{\"error\":{\"message\":\"Rate limit reached for images per minute.\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";

    private ImageGenerationException Capture()
    {
        OpenAIImageGenerator generator = _mock.Create();
        return Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")))!;
    }

    private sealed class ThrowingHandler(Exception exception) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromException<HttpResponseMessage>(exception);
    }

    private sealed class StallingHandler : HttpMessageHandler
    {
        public ManualResetEventSlim Started { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Started.Set();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
