using System.Net;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.OpenAI;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class OpenAIImageGeneratorLoggingTests
{
    private const string Prompt = "a secret product launch poster";

    private OpenAIMock _mock = null!;
    private ListLogger _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _mock = new OpenAIMock();
        _logger = new ListLogger();
    }

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [Test]
    public async Task Logs_request_and_response_at_debug_with_request_id_but_never_the_prompt_or_key()
    {
        _mock.Enqueue(HttpStatusCode.OK, TestImages.ImagesResponseJson(TestImages.Png(8, 8)), ("x-request-id", "req_log"));

        await Create().GenerateAsync(new ImageGenerationRequest(Prompt));

        Assert.That(_logger.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message), Has.Some.Contains("req_log").And.Some.Contains("HTTP 200"));
        Assert.That(_logger.Entries.Select(e => e.Message), Has.None.Contains(Prompt).And.None.Contains(OpenAIMock.ApiKey));
        Assert.That(_logger.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public async Task Warns_when_a_url_had_to_be_downloaded()
    {
        _mock.Enqueue(HttpStatusCode.OK, "{\"created\":1,\"data\":[{\"url\":\"https://cdn.example/a.png?sig=secret\"}]}");
        _mock.DownloadResponse = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(TestImages.Png(4, 4)) };

        await Create().GenerateAsync(new ImageGenerationRequest(Prompt) { Model = "dall-e-2" });

        (LogLevel Level, EventId EventId, string Message) warning = _logger.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.That(warning.Message, Does.Contain("cdn.example"));
        Assert.That(warning.Message, Does.Not.Contain("sig=secret"), "signed URL query strings are credentials too");
    }

    [Test]
    public void Logs_failures_with_kind_and_code()
    {
        _mock.Enqueue(HttpStatusCode.TooManyRequests, "{\"error\":{\"message\":\"m\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");

        Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(new ImageGenerationRequest(Prompt)));

        Assert.That(_logger.Entries.Select(e => e.Message), Has.Some.Contains("RateLimited").And.Some.Contains("rate_limit_exceeded"));
    }

    private OpenAIImageGenerator Create()
        => new(new OpenAIImageGeneratorOptions { ApiKey = OpenAIMock.ApiKey }, new ProviderTransport(_mock.Handler.ToHttpClient(), _mock.Downloads.ToHttpClient()) { Logger = _logger, TimeProvider = _mock.Time });
}
