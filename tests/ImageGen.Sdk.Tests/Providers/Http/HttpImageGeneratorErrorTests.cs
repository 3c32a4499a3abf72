using System.Globalization;
using System.Net;
using System.Text;
using ImageGen.Sdk.Providers;
using RichardSzalay.MockHttp;

namespace ImageGen.Sdk.Tests.Providers.Http;

public class HttpImageGeneratorErrorTests
{
    private AcmeMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new AcmeMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [TestCase(400, ImageGenerationErrorKind.InvalidRequest, false)]
    [TestCase(401, ImageGenerationErrorKind.Authentication, false)]
    [TestCase(402, ImageGenerationErrorKind.QuotaExceeded, false)]
    [TestCase(403, ImageGenerationErrorKind.PermissionDenied, false)]
    [TestCase(404, ImageGenerationErrorKind.NotFound, false)]
    [TestCase(408, ImageGenerationErrorKind.Timeout, true)]
    [TestCase(409, ImageGenerationErrorKind.InvalidRequest, false)]
    [TestCase(422, ImageGenerationErrorKind.InvalidRequest, false)]
    [TestCase(429, ImageGenerationErrorKind.RateLimited, true)]
    [TestCase(500, ImageGenerationErrorKind.ServerError, true)]
    [TestCase(502, ImageGenerationErrorKind.ServerError, true)]
    [TestCase(503, ImageGenerationErrorKind.Unavailable, true)]
    public void A_status_maps_to_its_default_kind_and_the_failure_carries_status_code_and_request_id(int status, ImageGenerationErrorKind kind, bool transient)
    {
        _mock.RespondJson((HttpStatusCode)status, "{\"error\":{\"code\":\"acme_" + status + "\",\"message\":\"m\"}}", ("x-request-id", "req_" + status));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(kind));
        Assert.That(ex.IsTransient, Is.EqualTo(transient));
        Assert.That(ex.StatusCode, Is.EqualTo(status));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("acme_" + status));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_" + status));
        Assert.That(ex.Provider, Is.EqualTo("acme"));
        Assert.That(ex.IsLocalRefusal, Is.False);
    }

    [Test]
    public void A_provider_override_refines_the_kind_from_its_error_code()
    {
        _mock.RespondJson(HttpStatusCode.TooManyRequests, "{\"error\":{\"code\":\"insufficient_credits\",\"message\":\"top up\"}}");

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.QuotaExceeded));
        Assert.That(ex.IsTransient, Is.False);
    }

    [TestCase("retry-after-ms", "1500", 1500)]
    [TestCase("retry-after", "7", 7000)]
    [TestCase("retry-after", "2.5", 2500)]
    [TestCase("retry-after", "0", 0)]
    public void Retry_after_headers_in_milliseconds_or_seconds_set_RetryAfter(string header, string value, int expectedMs)
    {
        _mock.RespondJson(HttpStatusCode.TooManyRequests, "{}", (header, value));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }

    [TestCase(90, 90)]
    [TestCase(-30, 0)]
    public void A_retry_after_http_date_is_measured_against_the_clock_and_a_past_date_means_now(int offsetSeconds, int expectedSeconds)
    {
        string date = _mock.Time.GetUtcNow().AddSeconds(offsetSeconds).ToString("r", CultureInfo.InvariantCulture);
        _mock.RespondJson(HttpStatusCode.ServiceUnavailable, "{}", ("retry-after", date));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(expectedSeconds)));
    }

    [Test]
    public void Retry_after_ms_wins_over_retry_after()
    {
        _mock.RespondJson(HttpStatusCode.TooManyRequests, "{}", ("retry-after-ms", "250"), ("retry-after", "9"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
    }

    [Test]
    public void A_delay_found_in_the_body_reaches_RetryAfter_through_the_hook()
    {
        _mock.RespondJson(HttpStatusCode.TooManyRequests, "{\"error\":{\"code\":\"RESOURCE_EXHAUSTED\",\"message\":\"slow down\",\"retry_delay\":\"34s\"}}");

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(34)));
    }

    [Test]
    public void An_html_error_page_is_classified_by_its_status_alone()
    {
        _mock.Respond(() => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><body><h1>502 Bad Gateway</h1></body></html>", Encoding.UTF8, "text/html"),
        });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.StatusCode, Is.EqualTo(502));
        Assert.That(ex.ProviderErrorCode, Is.Null);
        Assert.That(ex.Message, Does.Contain("was not JSON").And.Not.Contain("<html>"));
    }

    [Test]
    public void An_error_body_longer_than_the_cap_is_cut_and_still_classified()
    {
        string huge = "{\"error\":{\"code\":\"x\",\"message\":\"" + new string('a', ProviderErrorResponse.MaxBodyBytes) + "\"}}";
        _mock.RespondJson(HttpStatusCode.InternalServerError, huge);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError));
        Assert.That(ex.StatusCode, Is.EqualTo(500));
        Assert.That(ex.ProviderErrorCode, Is.Null, "a cut-off JSON body is not parsed");
    }

    [Test]
    public void The_api_key_echoed_in_an_error_body_never_reaches_the_message()
    {
        _mock.RespondJson(HttpStatusCode.Unauthorized, "{\"error\":{\"code\":\"invalid_key\",\"message\":\"Incorrect API key provided: " + AcmeMock.ApiKey + ". Other key: r8_abcdefghijklmnopqrstuvwxyz\"}}");

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(ex.Message, Does.Not.Contain(AcmeMock.ApiKey).And.Not.Contain("r8_abcdefghijklmnopqrstuvwxyz"));
        Assert.That(ex.Message, Does.Contain("sk-…KLMN"), "a fingerprint is left for support");
    }

    [Test]
    public void A_connection_failure_is_Network_with_the_key_removed_from_the_message()
    {
        _mock.Api.Fallback.Throw(new HttpRequestException("Proxy rejected Authorization: Bearer " + AcmeMock.ApiKey));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Network));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.Message, Does.Not.Contain(AcmeMock.ApiKey));
    }

    [Test]
    public void The_clients_own_time_out_is_Timeout_but_the_callers_cancellation_stays_a_cancellation()
    {
        _mock.Api.Fallback.Throw(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout", new TimeoutException()));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));

        using CancellationTokenSource cts = new();
        cts.Cancel();
        Assert.That(async () => await _mock.Create().GenerateAsync(new ImageGenerationRequest("p"), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
