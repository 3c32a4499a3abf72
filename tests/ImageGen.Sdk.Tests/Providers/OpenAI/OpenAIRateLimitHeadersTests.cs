using System.Net;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.AzureOpenAI;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class OpenAIRateLimitHeadersTests
{
    private static readonly (string, string)[] FullHeaders =
    [
        ("x-request-id", "req_ok"),
        ("x-ratelimit-limit-requests", "500"),
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "1m30.5s"),
        ("x-ratelimit-limit-tokens", "4000000"),
        ("x-ratelimit-remaining-tokens", "3999800"),
        ("x-ratelimit-reset-tokens", "20ms"),
    ];

    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [TestCase("6m0s", 360_000)]
    [TestCase("1s", 1_000)]
    [TestCase("20ms", 20)]
    [TestCase("1m30.5s", 90_500)]
    [TestCase("2h", 7_200_000)]
    [TestCase("1h2m3s", 3_723_000)]
    [TestCase("0.5", 500)]
    [TestCase("60", 60_000)]
    [TestCase(" 7s ", 7_000)]
    [TestCase("0s", 0)]
    [TestCase("1500us", 1.5)]
    [TestCase("1500\u00b5s", 1.5)]
    [TestCase("2000000ns", 2)]
    public void Parses_go_durations_and_plain_seconds(string text, double expectedMs)
        => Assert.That(OpenAIRateLimitHeaders.ParseDuration(text), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("soon")]
    [TestCase("5x")]
    [TestCase("1d")]
    [TestCase("-1s")]
    [TestCase("1.2.3s")]
    [TestCase("s")]
    [TestCase("1 s")]
    [TestCase("1s5")]
    [TestCase("1S")]
    [TestCase("NaN")]
    [TestCase("Infinity")]
    [TestCase("1e3")]
    [TestCase("200h")]
    [TestCase("99999999999999999999999999999999999999s")]
    public void Garbage_negative_or_implausible_durations_are_null(string? text)
        => Assert.That(OpenAIRateLimitHeaders.ParseDuration(text), Is.Null);

    [Test]
    public async Task A_success_carries_the_rate_limit_headers()
    {
        _mock.Enqueue(() => OpenAIMock.Json(TestImages.ImagesResponseJson(TestImages.Png(8, 8)), HttpStatusCode.OK, FullHeaders));

        ImageGenerationResult result = await _mock.Create().GenerateAsync(new ImageGenerationRequest("p"));

        ProviderRateLimitInfo? info = result.RateLimit;
        Assert.That(info, Is.Not.Null);
        Assert.That(info!.LimitRequests, Is.EqualTo(500));
        Assert.That(info.RemainingRequests, Is.EqualTo(0));
        Assert.That(info.ResetRequests, Is.EqualTo(TimeSpan.FromSeconds(90.5)));
        Assert.That(info.LimitTokens, Is.EqualTo(4_000_000L));
        Assert.That(info.RemainingTokens, Is.EqualTo(3_999_800L));
        Assert.That(info.ResetTokens, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
        Assert.That(result.ProviderRequestId, Is.EqualTo("req_ok"));
    }

    [Test]
    public async Task A_response_without_the_headers_has_no_rate_limit_info()
    {
        ImageGenerationResult result = await _mock.Create().GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.RateLimit, Is.Null);
    }

    [Test]
    public async Task An_unreadable_header_leaves_only_that_value_null()
    {
        _mock.Enqueue(() => OpenAIMock.Json(
            TestImages.ImagesResponseJson(TestImages.Png(8, 8)),
            HttpStatusCode.OK,
            ("x-ratelimit-remaining-requests", "lots"),
            ("x-ratelimit-reset-requests", "6m0s"),
            ("x-ratelimit-limit-requests", "-")));

        ImageGenerationResult result = await _mock.Create().GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.Images, Has.Count.EqualTo(1), "bad advisory headers never fail the call");
        Assert.That(result.RateLimit!.RemainingRequests, Is.Null);
        Assert.That(result.RateLimit.LimitRequests, Is.Null);
        Assert.That(result.RateLimit.ResetRequests, Is.EqualTo(TimeSpan.FromMinutes(6)));
        Assert.That(result.RateLimit.RemainingTokens, Is.Null);
    }

    [Test]
    public void A_429_carries_the_rate_limit_headers_next_to_retry_after()
    {
        _mock.Enqueue(
            HttpStatusCode.TooManyRequests,
            """{"error":{"message":"Rate limit reached for images.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""",
            ("retry-after", "3"),
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "2.5s"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(ex.RateLimit!.RemainingRequests, Is.EqualTo(0));
        Assert.That(ex.RateLimit.ResetRequests, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
    }

    [Test]
    public void A_malformed_success_body_still_carries_the_rate_limit_headers()
    {
        _mock.Enqueue(() => OpenAIMock.Json("""{"created":1,"data":[]}""", HttpStatusCode.OK, ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "1s")));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.RateLimit!.RemainingTokens, Is.EqualTo(0L));
        Assert.That(ex.RateLimit.ResetTokens, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task Azure_results_and_429s_carry_the_rate_limit_headers()
    {
        AzureOpenAIImageGenerator generator = new(
            new AzureOpenAIImageGeneratorOptions { ApiKey = "0123456789abcdef0123456789abcdef", Endpoint = new Uri("https://res.openai.azure.com"), Deployment = "img" },
            new ProviderTransport(_mock.Handler.ToHttpClient(), _mock.Downloads.ToHttpClient()) { TimeProvider = _mock.Time });
        _mock.Enqueue(() => OpenAIMock.Json(
            TestImages.ImagesResponseJson(TestImages.Png(8, 8)),
            HttpStatusCode.OK,
            ("x-ratelimit-remaining-requests", "5"),
            ("x-ratelimit-remaining-tokens", "1000")));
        _mock.Enqueue(
            HttpStatusCode.TooManyRequests,
            """{"error":{"code":"429","message":"Requests have exceeded the limit. Please retry after 6 seconds."}}""",
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "6s"));

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));
        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(result.RateLimit!.RemainingRequests, Is.EqualTo(5));
        Assert.That(result.RateLimit.RemainingTokens, Is.EqualTo(1000L));
        Assert.That(result.RateLimit.ResetRequests, Is.Null);
        Assert.That(ex.RateLimit!.RemainingRequests, Is.EqualTo(0));
        Assert.That(ex.RateLimit.ResetRequests, Is.EqualTo(TimeSpan.FromSeconds(6)));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(6)));
    }
}
