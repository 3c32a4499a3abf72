using System.Net;
using System.Text.Json;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.AzureOpenAI;
using ImageGen.Sdk.Tests.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.AzureOpenAI;

public class AzureOpenAIImageGeneratorTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [Test]
    public async Task Posts_to_the_deployment_url_with_api_version_and_api_key_and_no_model_in_the_body()
    {
        AzureOpenAIImageGenerator generator = Create(o => o.Deployment = "img-prod");

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse") { Size = new ImageSize(1024, 1536), Quality = ImageQuality.Medium });

        HttpRequestMessage request = _mock.Requests.Single();
        Assert.That(request.RequestUri, Is.EqualTo(new Uri("https://res.openai.azure.com/openai/deployments/img-prod/images/generations?api-version=2025-04-01-preview")));
        Assert.That(_mock.RequestHeaders[0]["api-key"], Is.EqualTo(Key));
        Assert.That(request.Headers.Authorization, Is.Null);
        JsonElement body = _mock.LastBody;
        Assert.That(body.TryGetProperty("model", out _), Is.False);
        Assert.That(body.GetProperty("prompt").GetString(), Is.EqualTo("a lighthouse"));
        Assert.That(body.GetProperty("size").GetString(), Is.EqualTo("1024x1536"));
        Assert.That(body.GetProperty("quality").GetString(), Is.EqualTo("medium"));
        Assert.That(body.TryGetProperty("response_format", out _), Is.False);
        Assert.That(result.Model, Is.EqualTo("img-prod"));
        Assert.That(result.Provider, Is.EqualTo("azure"));
    }

    [Test]
    public async Task A_dall_e_3_deployment_is_asked_for_b64_json()
    {
        AzureOpenAIImageGenerator generator = Create(o =>
        {
            o.Deployment = "painter";
            o.Model = "dall-e-3";
            o.ApiVersion = "2024-10-21";
        });

        await generator.GenerateAsync(new ImageGenerationRequest("p") { Style = ImageStyle.Vivid });

        Assert.That(_mock.Requests[0].RequestUri!.Query, Is.EqualTo("?api-version=2024-10-21"));
        Assert.That(_mock.LastBody.GetProperty("response_format").GetString(), Is.EqualTo("b64_json"));
        Assert.That(_mock.LastBody.GetProperty("style").GetString(), Is.EqualTo("vivid"));
    }

    [Test]
    public async Task Request_model_names_another_deployment()
    {
        AzureOpenAIImageGenerator generator = Create(o => o.Deployment = "img-prod");

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-3" });

        Assert.That(_mock.Requests[0].RequestUri!.AbsolutePath, Is.EqualTo("/openai/deployments/dall-e-3/images/generations"));
        Assert.That(_mock.LastBody.GetProperty("response_format").GetString(), Is.EqualTo("b64_json"));
        Assert.That(result.Model, Is.EqualTo("dall-e-3"));
    }

    [TestCase("https://res.openai.azure.com")]
    [TestCase("https://res.openai.azure.com/")]
    [TestCase("https://res.openai.azure.com/openai")]
    [TestCase("https://res.openai.azure.com/openai/v1/")]
    public async Task Without_a_deployment_uses_the_v1_route_with_model(string endpoint)
    {
        AzureOpenAIImageGenerator generator = Create(o =>
        {
            o.Endpoint = new Uri(endpoint);
            o.Model = "gpt-image-1-mini";
        });

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(_mock.Requests[0].RequestUri, Is.EqualTo(new Uri("https://res.openai.azure.com/openai/v1/images/generations")));
        Assert.That(_mock.LastBody.GetProperty("model").GetString(), Is.EqualTo("gpt-image-1-mini"));
        Assert.That(result.Model, Is.EqualTo("gpt-image-1-mini"));
    }

    [Test]
    public async Task Parses_the_azure_response_with_content_filter_results_and_apim_request_id()
    {
        byte[] png = TestImages.Png(12, 10);
        string body = "{\"created\":1,\"data\":[{\"b64_json\":\"" + Convert.ToBase64String(png) + "\",\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}},\"prompt_filter_results\":{\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}}],\"usage\":{\"input_tokens\":5,\"output_tokens\":272,\"total_tokens\":277,\"input_tokens_details\":{\"text_tokens\":5,\"image_tokens\":0}}}";
        _mock.Enqueue(HttpStatusCode.OK, body, ("apim-request-id", "apim-1"), ("x-ms-region", "Sweden Central"));
        AzureOpenAIImageGenerator generator = Create(o => o.Deployment = "img");

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.Images.Single().Data.ToArray(), Is.EqualTo(png));
        Assert.That(result.ProviderRequestId, Is.EqualTo("apim-1"));
        Assert.That(result.Usage!.OutputTokens, Is.EqualTo(272));
    }

    [Test]
    public void Content_filter_inner_error_is_content_filtered()
    {
        const string Body = """{"error":{"code":"content_policy_violation","message":"Your request was rejected as a result of our safety system.","param":"prompt","type":"invalid_request_error","inner_error":{"code":"ResponsibleAIPolicyViolation","content_filter_results":{"violence":{"filtered":true,"severity":"high"}}}}}""";
        _mock.Enqueue(HttpStatusCode.BadRequest, Body, ("apim-request-id", "apim-2"));

        ImageGenerationException ex = Capture(o => o.Deployment = "img");

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ContentFiltered));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("content_policy_violation"));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("apim-2"));
    }

    [Test]
    public void Inner_error_alone_is_enough_to_mean_content_filtered()
    {
        _mock.Enqueue(HttpStatusCode.BadRequest, """{"error":{"code":null,"message":"blocked","param":null,"type":null,"inner_error":{"code":"ResponsibleAIPolicyViolation"}}}""");

        ImageGenerationException ex = Capture(o => o.Deployment = "img");

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ContentFiltered));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("ResponsibleAIPolicyViolation"));
    }

    [Test]
    public void Rate_limit_with_the_delay_only_in_the_message_reads_it()
    {
        const string Body = """{"error":{"code":"429","message":"Requests to the Images_Generations Operation under Azure OpenAI API version 2025-04-01-preview have exceeded call rate limit of your current pricing tier. Please retry after 6 seconds."}}""";
        _mock.Enqueue(HttpStatusCode.TooManyRequests, Body);

        ImageGenerationException ex = Capture(o => o.Deployment = "img");

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("429"));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(6)));
    }

    [Test]
    public void Rate_limit_header_wins_over_the_message()
    {
        _mock.Enqueue(HttpStatusCode.TooManyRequests, """{"error":{"code":"429","message":"Please retry after 6 seconds."}}""", ("retry-after-ms", "2500"));

        Assert.That(Capture(o => o.Deployment = "img").RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(2500)));
    }

    [Test]
    public void Deployment_not_found_is_not_found()
    {
        _mock.Enqueue(HttpStatusCode.NotFound, """{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}""", ("x-request-id", "xr"), ("apim-request-id", "apim"));

        ImageGenerationException ex = Capture(o => o.Deployment = "missing");

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.NotFound));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("DeploymentNotFound"));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("xr"), "x-request-id is preferred over apim-request-id");
    }

    [Test]
    public void Error_messages_never_contain_the_key()
    {
        _mock.Enqueue(HttpStatusCode.Unauthorized, $$$"""{"error":{"code":"401","message":"Access denied due to invalid subscription key {{{Key}}}."}}""");

        ImageGenerationException ex = Capture(o => o.Deployment = "img");

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(ex.Message, Does.Not.Contain(Key));
    }

    [Test]
    public async Task Edits_go_to_the_deployment_edits_url_as_multipart_without_model()
    {
        byte[] image = TestImages.Png(8, 8);
        AzureOpenAIImageGenerator generator = Create(o => o.Deployment = "img");

        await generator.GenerateAsync(new ImageGenerationRequest("p") { InputImages = [ImageInput.FromBytes(image)] });

        Assert.That(_mock.Requests.Single().RequestUri, Is.EqualTo(new Uri("https://res.openai.azure.com/openai/deployments/img/images/edits?api-version=2025-04-01-preview")));
        Assert.That(_mock.RequestHeaders[0]["api-key"], Is.EqualTo(Key));
        List<MultipartPart> parts = await MultipartPart.ReadAllAsync(_mock.RawBodies[0], _mock.ContentTypes[0]!);
        Assert.That(parts.Single(p => p.Name == "image").Data, Is.EqualTo(image));
        Assert.That(parts.Any(p => p.Name == "model"), Is.False);
    }

    [Test]
    public void Invalid_options_are_rejected()
    {
        Assert.That(() => new AzureOpenAIImageGenerator(new AzureOpenAIImageGeneratorOptions { ApiKey = Key }, new ProviderTransport(new HttpClient())), Throws.InstanceOf<ArgumentException>(), "no endpoint");
        Assert.That(
            () => new AzureOpenAIImageGenerator(new AzureOpenAIImageGeneratorOptions { ApiKey = Key, Endpoint = new Uri("https://r.openai.azure.com"), ApiVersion = " " }, new ProviderTransport(new HttpClient())),
            Throws.InstanceOf<ArgumentException>(),
            "blank api-version");
    }

    private AzureOpenAIImageGenerator Create(Action<AzureOpenAIImageGeneratorOptions>? configure = null)
    {
        AzureOpenAIImageGeneratorOptions options = new() { ApiKey = Key, Endpoint = new Uri("https://res.openai.azure.com") };
        configure?.Invoke(options);
        return new AzureOpenAIImageGenerator(options, new ProviderTransport(_mock.Handler.ToHttpClient(), _mock.Downloads.ToHttpClient()) { TimeProvider = _mock.Time });
    }

    private ImageGenerationException Capture(Action<AzureOpenAIImageGeneratorOptions>? configure = null)
    {
        AzureOpenAIImageGenerator generator = Create(configure);
        return Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")))!;
    }
}
