using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class OpenAIEndToEndTests
{
    private LoopbackOpenAIServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await LoopbackOpenAIServer.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public async Task AddImageGeneration_with_a_loopback_base_url_returns_exactly_the_bytes_the_server_sent()
    {
        byte[] png = TestImages.Png(256, 192, seed: 7);
        _server.Generations = context => LoopbackOpenAIServer.WriteJsonAsync(context, 200, TestImages.ImagesResponseJson(png), ("x-request-id", "req_e2e"));
        await using ServiceProvider services = BuildServices(new Uri(_server.Address, "/v1").ToString());

        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("a red backpack on a white background") { Size = new ImageSize(1024, 1024) });

        Assert.That(result.Images.Single().Data.ToArray(), Is.EqualTo(png));
        Assert.That(result.Images[0].MediaType, Is.EqualTo("image/png"));
        Assert.That((result.Images[0].Width, result.Images[0].Height), Is.EqualTo((256, 192)));
        Assert.That(result.Provider, Is.EqualTo("openai"));
        Assert.That(result.Model, Is.EqualTo("gpt-image-1"));
        Assert.That(result.ProviderRequestId, Is.EqualTo("req_e2e"));
        LoopbackOpenAIServer.ReceivedRequest request = _server.Received.Single();
        Assert.That(request.PathAndQuery, Is.EqualTo("/v1/images/generations"));
        Assert.That(request.Authorization, Is.EqualTo("Bearer test-key"));
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.That(body.RootElement.GetProperty("model").GetString(), Is.EqualTo("gpt-image-1"));
        Assert.That(body.RootElement.TryGetProperty("response_format", out _), Is.False);
    }

    [Test]
    public async Task Insufficient_quota_surfaces_as_quota_exceeded()
    {
        _server.Generations = context => LoopbackOpenAIServer.WriteJsonAsync(
            context,
            429,
            """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""",
            ("x-request-id", "req_quota"));
        await using ServiceProvider services = BuildServices(_server.Address.ToString());

        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.QuotaExceeded));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.StatusCode, Is.EqualTo(429));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("insufficient_quota"));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_quota"));
        Assert.That(ex.Message, Does.Not.Contain("test-key"));
    }

    [Test]
    public async Task Url_results_are_downloaded_over_http_without_the_key()
    {
        byte[] png = TestImages.Png(20, 20);
        string url = new Uri(_server.Address, "/files/img.png").ToString();
        _server.Generations = context => LoopbackOpenAIServer.WriteJsonAsync(context, 200, "{\"created\":1,\"data\":[{\"url\":\"" + url + "\",\"revised_prompt\":\"rp\"}]}");
        _server.Files = async context =>
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(png);
        };
        await using ServiceProvider services = BuildServices(_server.Address.ToString());

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-3" });

        Assert.That(result.Images.Single().Data.ToArray(), Is.EqualTo(png));
        Assert.That(result.Images[0].SourceUri, Is.EqualTo(new Uri(url)));
        Assert.That(result.Images[0].RevisedPrompt, Is.EqualTo("rp"));
        LoopbackOpenAIServer.ReceivedRequest download = _server.Received.Single(r => r.Method == "GET");
        Assert.That(download.Authorization, Is.Empty);
        Assert.That(download.ApiKey, Is.Empty);
    }

    [Test]
    public async Task Dall_e_3_counts_above_one_become_parallel_calls_through_the_stack()
    {
        _server.Generations = context => LoopbackOpenAIServer.WriteJsonAsync(context, 200, TestImages.ImagesResponseJson(TestImages.Png(8, 8)));
        await using ServiceProvider services = BuildServices(_server.Address.ToString());

        ImageGenerationResult result = await services.GetRequiredKeyedService<IImageGenerator>("openai")
            .GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-3", Count = 3 });

        Assert.That(result.Images, Has.Count.EqualTo(3));
        Assert.That(_server.Received.Count(r => r.Method == "POST"), Is.EqualTo(3));
        Assert.That(_server.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("n").GetInt32()), Is.All.EqualTo(1));
    }

    [Test]
    public async Task Azure_provider_through_di_posts_to_the_deployment()
    {
        _server.Generations = context => LoopbackOpenAIServer.WriteJsonAsync(context, 200, TestImages.ImagesResponseJson(TestImages.Png(8, 8)), ("apim-request-id", "apim-e2e"));
        ServiceCollection collection = new();
        collection.AddImageGeneration(o => o.Providers["azure"] = new ImageProviderOptions
        {
            Type = "AzureOpenAI",
            ApiKey = "azure-key",
            BaseUrl = _server.Address.ToString(),
            Deployment = "img",
        });
        await using ServiceProvider services = collection.BuildServiceProvider();

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("p"));

        LoopbackOpenAIServer.ReceivedRequest request = _server.Received.Single();
        Assert.That(request.PathAndQuery, Is.EqualTo("/openai/deployments/img/images/generations?api-version=2025-04-01-preview"));
        Assert.That(request.ApiKey, Is.EqualTo("azure-key"));
        Assert.That(request.Authorization, Is.Empty);
        Assert.That(result.Model, Is.EqualTo("img"));
        Assert.That(result.ProviderRequestId, Is.EqualTo("apim-e2e"));
    }

    [Test]
    public void Azure_without_an_endpoint_fails_options_validation_naming_the_key()
    {
        ServiceCollection collection = new();
        collection.AddImageGeneration(o => o.Providers["azure"] = new ImageProviderOptions { Type = "AzureOpenAI", ApiKey = "k", Deployment = "img" });
        using ServiceProvider services = collection.BuildServiceProvider();

        OptionsValidationException? ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value);

        Assert.That(ex!.Message, Does.Contain("ImageGeneration:Providers:azure:BaseUrl"));
    }

    [Test]
    public void Unsupported_size_is_refused_before_the_server_is_called()
    {
        using ServiceProvider services = BuildServices(_server.Address.ToString());

        Assert.ThrowsAsync<ArgumentException>(() => services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(1792, 1024) }));
        Assert.That(_server.Received, Is.Empty);
    }

    private static ServiceProvider BuildServices(string baseUrl)
    {
        ServiceCollection services = new();
        services.AddImageGeneration(o => o.Providers["openai"] = new ImageProviderOptions { Type = "OpenAI", ApiKey = "test-key", BaseUrl = baseUrl });
        return services.BuildServiceProvider();
    }
}
