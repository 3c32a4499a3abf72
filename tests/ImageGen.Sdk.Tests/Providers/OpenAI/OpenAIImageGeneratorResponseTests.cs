using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class OpenAIImageGeneratorResponseTests
{
    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [Test]
    public async Task Returns_exactly_the_image_bytes_with_media_type_size_usage_and_request_id()
    {
        byte[] png = TestImages.Png(40, 30);
        _mock.Enqueue(HttpStatusCode.OK, TestImages.ImagesResponseJson(png), ("x-request-id", "req_123"));
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(1024, 1024) });

        GeneratedImage image = result.Images.Single();
        Assert.That(image.Data.ToArray(), Is.EqualTo(png));
        Assert.That(image.MediaType, Is.EqualTo("image/png"));
        Assert.That((image.Width, image.Height), Is.EqualTo((40, 30)), "the header wins over the requested and reported size");
        Assert.That(image.SourceUri, Is.Null);
        Assert.That(result.Provider, Is.EqualTo("openai"));
        Assert.That(result.Model, Is.EqualTo("gpt-image-1"));
        Assert.That(result.ProviderRequestId, Is.EqualTo("req_123"));
        Assert.That(result.Attempts, Is.EqualTo(1));
        Assert.That(result.FromCache, Is.False);
        Assert.That(result.Usage, Is.Not.Null);
        Assert.That(result.Usage!.InputTokens, Is.EqualTo(50));
        Assert.That(result.Usage.OutputTokens, Is.EqualTo(4160));
        Assert.That(result.Usage.TotalTokens, Is.EqualTo(4210));
        Assert.That(result.Usage.InputTextTokens, Is.EqualTo(10));
        Assert.That(result.Usage.InputImageTokens, Is.EqualTo(40));
    }

    [Test]
    public async Task Returns_every_image_of_a_multi_image_response_in_order()
    {
        byte[][] images = [TestImages.Png(8, 8, 1), TestImages.Png(9, 9, 2), TestImages.Png(10, 10, 3)];
        _mock.Enqueue(HttpStatusCode.OK, TestImages.ImagesResponseJson(images));
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Count = 3 });

        Assert.That(result.Images.Select(i => i.Data.ToArray()), Is.EqualTo(images));
        Assert.That(result.Images.Select(i => i.Width), Is.EqualTo(new int?[] { 8, 9, 10 }));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(1000)]
    public async Task Decodes_a_body_that_arrives_in_small_pieces(int piece)
    {
        byte[] png = TestImages.Png(64, 48);
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(png));
        _mock.Enqueue(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new TrickleStream(body, [piece, piece + 1, piece * 2])) });
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.Images.Single().Data.ToArray(), Is.EqualTo(png));
    }

    [Test]
    public async Task Reports_revised_prompt_and_falls_back_to_output_format_and_reported_size()
    {
        // Bytes that are no known image format: media type and size come from the response fields.
        byte[] opaque = [1, 2, 3, 4, 5, 6];
        string body = "{\"created\":1,\"data\":[{\"b64_json\":\"" + Convert.ToBase64String(opaque) + "\",\"revised_prompt\":\"A red backpack, studio light\"}],\"output_format\":\"webp\",\"size\":\"1536x1024\"}";
        _mock.Enqueue(HttpStatusCode.OK, body);
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));

        GeneratedImage image = result.Images.Single();
        Assert.That(image.RevisedPrompt, Is.EqualTo("A red backpack, studio light"));
        Assert.That(image.MediaType, Is.EqualTo("image/webp"));
        Assert.That((image.Width, image.Height), Is.EqualTo((1536, 1024)));
        Assert.That(result.Usage, Is.Null);
    }

    [Test]
    public async Task Uses_the_requested_size_when_nothing_else_says()
    {
        string body = "{\"created\":1,\"data\":[{\"b64_json\":\"" + Convert.ToBase64String(new byte[] { 9, 9, 9 }) + "\"}]}";
        _mock.Enqueue(HttpStatusCode.OK, body);
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(1024, 1536), OutputFormat = ImageFormat.Jpeg });

        Assert.That((result.Images[0].Width, result.Images[0].Height), Is.EqualTo((1024, 1536)));
        Assert.That(result.Images[0].MediaType, Is.EqualTo("image/jpeg"));
    }

    [Test]
    public async Task Downloads_url_results_without_credentials_and_keeps_the_source_uri()
    {
        byte[] png = TestImages.Png(32, 32);
        _mock.Enqueue(HttpStatusCode.OK, "{\"created\":1,\"data\":[{\"url\":\"https://oaidalleapiprodscus.blob.core.windows.net/private/img.png?sig=abc\",\"revised_prompt\":\"r\"}]}");
        _mock.DownloadResponse = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(png) };
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-3" });

        GeneratedImage image = result.Images.Single();
        Assert.That(image.Data.ToArray(), Is.EqualTo(png));
        Assert.That(image.SourceUri, Is.EqualTo(new Uri("https://oaidalleapiprodscus.blob.core.windows.net/private/img.png?sig=abc")));
        Assert.That(_mock.DownloadRequests, Has.Count.EqualTo(1));
        Assert.That(_mock.DownloadAuthorization.Single(), Is.Null, "the provider key must never reach the result host");
        Assert.That(_mock.DownloadRequests[0].Headers.Contains("OpenAI-Organization"), Is.False);
    }

    [Test]
    public void Download_larger_than_the_declared_limit_is_an_invalid_response()
    {
        _mock.Enqueue(HttpStatusCode.OK, "{\"created\":1,\"data\":[{\"url\":\"https://cdn.example/a.png\"}]}");
        _mock.DownloadResponse = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[2048]) };
        OpenAIImageGenerator generator = _mock.Create(o => o.MaxDownloadBytes = 1024);

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.Message, Does.Contain("MaxDownloadBytes"));
    }

    [Test]
    public void Download_without_content_length_is_cut_at_the_limit()
    {
        _mock.Enqueue(HttpStatusCode.OK, "{\"created\":1,\"data\":[{\"url\":\"https://cdn.example/a.png\"}]}");
        _mock.DownloadResponse = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new TrickleStream(new byte[5000], [700])) };
        OpenAIImageGenerator generator = _mock.Create(o => o.MaxDownloadBytes = 4096);

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
    }

    [Test]
    public async Task Download_exactly_at_the_limit_succeeds()
    {
        byte[] data = new byte[4096];
        data[0] = 0x89;
        _mock.Enqueue(HttpStatusCode.OK, "{\"created\":1,\"data\":[{\"url\":\"https://cdn.example/a.png\"}]}");
        _mock.DownloadResponse = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new TrickleStream(data, [1000])) };
        OpenAIImageGenerator generator = _mock.Create(o => o.MaxDownloadBytes = 4096);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.Images[0].Data.Length, Is.EqualTo(4096));
    }

    [Test]
    public void Expired_download_url_is_an_invalid_response()
    {
        _mock.Enqueue(HttpStatusCode.OK, "{\"created\":1,\"data\":[{\"url\":\"https://cdn.example/a.png\"}]}", ("x-request-id", "req_dl"));
        _mock.DownloadResponse = _ => new HttpResponseMessage(HttpStatusCode.Forbidden);
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.StatusCode, Is.EqualTo(403));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_dl"));
    }

    [Test]
    public async Task Data_urls_are_decoded_without_a_download()
    {
        byte[] png = TestImages.Png(5, 5);
        _mock.Enqueue(HttpStatusCode.OK, "{\"created\":1,\"data\":[{\"url\":\"data:image/png;base64," + Convert.ToBase64String(png) + "\"}]}");
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.Images[0].Data.ToArray(), Is.EqualTo(png));
        Assert.That(_mock.DownloadRequests, Is.Empty);
    }

    [Test]
    public void Truncated_body_is_a_transient_invalid_response()
    {
        string json = TestImages.ImagesResponseJson(TestImages.Png(16, 16));
        _mock.Enqueue(HttpStatusCode.OK, json[..(json.Length - 40)], ("x-request-id", "req_t"));
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_t"));
        Assert.That(ex.InnerException, Is.Not.InstanceOf<System.Text.Json.JsonException>());
    }

    [Test]
    public void Connection_reset_while_streaming_the_body_is_a_transient_network_error()
    {
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(TestImages.Png(64, 64)));
        _mock.Enqueue(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new TrickleStream(body, [512], failAfter: 1024)) });
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.Network));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.InnerException, Is.InstanceOf<IOException>());
    }

    [TestCase("{\"created\":1,\"data\":[{\"b64_json\":\"AAAA\"}],}", TestName = "Trailing comma")]
    [TestCase("{\"created\":\"yesterday\",\"data\":[{\"b64_json\":\"AAAA\"}]}", TestName = "Wrong type")]
    [TestCase("<html><body>Bad gateway</body></html>", TestName = "HTML with status 200")]
    [TestCase("{\"data\":[{\"b64_json\":\"not base64!\"}]}", TestName = "Invalid base64")]
    [TestCase("{\"created\":1,\"data\":[]}", TestName = "No images")]
    [TestCase("{\"created\":1,\"data\":[{\"revised_prompt\":\"x\"}]}", TestName = "Neither b64_json nor url")]
    [TestCase("null", TestName = "JSON null")]
    public void Malformed_body_is_a_permanent_invalid_response(string body)
    {
        _mock.Enqueue(HttpStatusCode.OK, body);
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.Provider, Is.EqualTo("openai"));
    }

    [Test]
    public async Task Warns_about_fields_the_api_does_not_take()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { NegativePrompt = "blur", Seed = 7 });

        Assert.That(result.Warnings, Has.Count.EqualTo(2));
        Assert.That(_mock.LastBody.TryGetProperty("seed", out _), Is.False);
    }

    [Test]
    public async Task Can_be_called_concurrently()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => generator.GenerateAsync(new ImageGenerationRequest("p"))));

        Assert.That(results.Select(r => r.Images.Single().Data.Length), Is.All.GreaterThan(0));
        Assert.That(_mock.Requests, Has.Count.EqualTo(16));
    }

    [Test]
    public async Task Allocates_little_more_than_the_decoded_image()
    {
        // A 1024x1024 noise PNG (~3 MB). The target is 1.25x the image (measured: about 1.0x); materialising the
        // base64 text as a string would cost 2.7x on its own, and a buffered body 1.34x.
        byte[] png = TestImages.Png(1024, 1024);
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(png));
        using HttpClient client = new(new StaticBodyHandler(body));
        OpenAIImageGenerator generator = new(new OpenAIImageGeneratorOptions { ApiKey = OpenAIMock.ApiKey }, new ProviderTransport(client));
        ImageGenerationRequest request = new("p");
        await generator.GenerateAsync(request); // warm up: JIT, pools

        long before = GC.GetTotalAllocatedBytes(precise: true);
        ImageGenerationResult result = await generator.GenerateAsync(request);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        TestContext.Out.WriteLine($"allocated {allocated} bytes for a {png.Length}-byte image ({(double)allocated / png.Length:F3}x)");
        Assert.That(result.Images[0].Data.Length, Is.EqualTo(png.Length));
        Assert.That(allocated, Is.LessThan(png.Length * 1.25), $"allocated {allocated} bytes for a {png.Length}-byte image");
    }

    private sealed class StaticBodyHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = new(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(body, writable: false)) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            response.Content.Headers.ContentLength = body.Length;
            return Task.FromResult(response);
        }
    }
}
