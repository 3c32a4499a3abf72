using System.Text.Json;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class OpenAIImageGeneratorWireFormatTests
{
    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [Test]
    public async Task Gpt_image_1_body_has_no_response_format_and_maps_every_field()
    {
        OpenAIImageGenerator generator = _mock.Create();

        await generator.GenerateAsync(new ImageGenerationRequest("a red backpack")
        {
            Count = 2,
            Size = ImageSize.Parse("1536x1024"),
            Quality = ImageQuality.High,
            OutputFormat = ImageFormat.Webp,
            User = "tenant-42",
        });

        JsonElement body = _mock.LastBody;
        Assert.That(body.GetProperty("model").GetString(), Is.EqualTo("gpt-image-1"));
        Assert.That(body.GetProperty("prompt").GetString(), Is.EqualTo("a red backpack"));
        Assert.That(body.GetProperty("n").GetInt32(), Is.EqualTo(2));
        Assert.That(body.GetProperty("size").GetString(), Is.EqualTo("1536x1024"));
        Assert.That(body.GetProperty("quality").GetString(), Is.EqualTo("high"));
        Assert.That(body.GetProperty("output_format").GetString(), Is.EqualTo("webp"));
        Assert.That(body.GetProperty("user").GetString(), Is.EqualTo("tenant-42"));
        Assert.That(body.TryGetProperty("response_format", out _), Is.False);
        Assert.That(body.TryGetProperty("style", out _), Is.False);
    }

    [Test]
    public async Task Request_goes_to_images_generations_with_bearer_key_and_organization_headers()
    {
        OpenAIImageGenerator generator = _mock.Create(o =>
        {
            o.Organization = "org-1";
            o.Project = "proj-1";
        });

        await generator.GenerateAsync(new ImageGenerationRequest("p"));

        HttpRequestMessage request = _mock.Requests.Single();
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.RequestUri, Is.EqualTo(new Uri("https://api.openai.com/v1/images/generations")));
        Assert.That(request.Headers.Authorization?.Scheme, Is.EqualTo("Bearer"));
        Assert.That(request.Headers.Authorization?.Parameter, Is.EqualTo(OpenAIMock.ApiKey));
        Assert.That(_mock.RequestHeaders[0]["OpenAI-Organization"], Is.EqualTo("org-1"));
        Assert.That(_mock.RequestHeaders[0]["OpenAI-Project"], Is.EqualTo("proj-1"));
        Assert.That(request.Content!.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
    }

    [Test]
    public async Task Dall_e_2_is_asked_for_b64_json_and_gets_no_output_format()
    {
        OpenAIImageGenerator generator = _mock.Create();

        await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-2", Size = new ImageSize(512, 512), OutputFormat = ImageFormat.Png, Count = 3 });

        JsonElement body = _mock.LastBody;
        Assert.That(body.GetProperty("model").GetString(), Is.EqualTo("dall-e-2"));
        Assert.That(body.GetProperty("response_format").GetString(), Is.EqualTo("b64_json"));
        Assert.That(body.GetProperty("size").GetString(), Is.EqualTo("512x512"));
        Assert.That(body.GetProperty("n").GetInt32(), Is.EqualTo(3));
        Assert.That(body.TryGetProperty("output_format", out _), Is.False);
    }

    [Test]
    public async Task Dall_e_3_sends_style_quality_and_b64_json()
    {
        OpenAIImageGenerator generator = _mock.Create();

        await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-3", Size = new ImageSize(1792, 1024), Quality = ImageQuality.Hd, Style = ImageStyle.Natural });

        JsonElement body = _mock.LastBody;
        Assert.That(body.GetProperty("response_format").GetString(), Is.EqualTo("b64_json"));
        Assert.That(body.GetProperty("style").GetString(), Is.EqualTo("natural"));
        Assert.That(body.GetProperty("quality").GetString(), Is.EqualTo("hd"));
        Assert.That(body.GetProperty("size").GetString(), Is.EqualTo("1792x1024"));
    }

    [Test]
    public async Task Gpt_image_2_sends_a_custom_size_as_is()
    {
        OpenAIImageGenerator generator = _mock.Create(o => o.DefaultModel = "gpt-image-2");

        await generator.GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(1536, 864) });

        JsonElement body = _mock.LastBody;
        Assert.That(body.GetProperty("model").GetString(), Is.EqualTo("gpt-image-2"));
        Assert.That(body.GetProperty("size").GetString(), Is.EqualTo("1536x864"));
        Assert.That(body.TryGetProperty("response_format", out _), Is.False);
    }

    [Test]
    public async Task Unknown_models_are_treated_like_gpt_image_models()
    {
        OpenAIImageGenerator generator = _mock.Create();

        await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "flux-via-gateway", OutputFormat = ImageFormat.Jpeg });

        JsonElement body = _mock.LastBody;
        Assert.That(body.TryGetProperty("response_format", out _), Is.False);
        Assert.That(body.GetProperty("output_format").GetString(), Is.EqualTo("jpeg"));
    }

    [Test]
    public async Task Provider_options_override_mapped_fields_without_duplicating_them()
    {
        OpenAIImageGenerator generator = _mock.Create();
        Dictionary<string, JsonElement> extra = new()
        {
            ["quality"] = JsonSerializer.SerializeToElement("low"),
            ["background"] = JsonSerializer.SerializeToElement("transparent"),
            ["output_compression"] = JsonSerializer.SerializeToElement(80),
            ["response_format"] = JsonSerializer.SerializeToElement("url"),
        };

        await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-2", Quality = ImageQuality.Standard, ProviderOptions = extra });

        string raw = _mock.Bodies[^1];
        JsonElement body = _mock.LastBody;
        Assert.That(body.GetProperty("quality").GetString(), Is.EqualTo("low"));
        Assert.That(body.GetProperty("background").GetString(), Is.EqualTo("transparent"));
        Assert.That(body.GetProperty("output_compression").GetInt32(), Is.EqualTo(80));
        Assert.That(body.GetProperty("response_format").GetString(), Is.EqualTo("url"));
        Assert.That(CountOccurrences(raw, "\"quality\""), Is.EqualTo(1));
        Assert.That(CountOccurrences(raw, "\"response_format\""), Is.EqualTo(1));
    }

    [TestCase("http://localhost:4000/v1", "http://localhost:4000/v1/images/generations")]
    [TestCase("http://localhost:4000/v1/", "http://localhost:4000/v1/images/generations")]
    [TestCase("https://gateway.ai.cloudflare.com/v1/acct/gw/openai", "https://gateway.ai.cloudflare.com/v1/acct/gw/openai/images/generations")]
    [TestCase("https://gw.example/openai/compat", "https://gw.example/openai/compat/images/generations")]
    [TestCase("https://gw.example", "https://gw.example/images/generations")]
    public async Task Gateway_base_url_keeps_its_path(string baseUrl, string expected)
    {
        OpenAIImageGenerator generator = _mock.Create(o => o.BaseUrl = new Uri(baseUrl));

        await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(_mock.Requests.Single().RequestUri, Is.EqualTo(new Uri(expected)));
    }

    [Test]
    public async Task Gpt_image_edit_posts_multipart_with_repeated_image_parts_and_a_mask()
    {
        OpenAIImageGenerator generator = _mock.Create();
        byte[] first = TestImages.Png(16, 16, 1);
        byte[] second = TestImages.Png(16, 16, 2);
        byte[] mask = TestImages.Png(16, 16, 3);

        await generator.GenerateAsync(new ImageGenerationRequest("put them on a beach")
        {
            InputImages = [ImageInput.FromBytes(first, fileName: "a.png"), ImageInput.FromBytes(second)],
            Mask = ImageInput.FromBytes(mask),
            Size = new ImageSize(1024, 1024),
            OutputFormat = ImageFormat.Webp,
            ProviderOptions = new Dictionary<string, JsonElement> { ["input_fidelity"] = JsonSerializer.SerializeToElement("high"), ["n"] = JsonSerializer.SerializeToElement(2) },
        });

        Assert.That(_mock.Requests.Single().RequestUri, Is.EqualTo(new Uri("https://api.openai.com/v1/images/edits")));
        List<MultipartPart> parts = await MultipartPart.ReadAllAsync(_mock.RawBodies[0], _mock.ContentTypes[0]!);
        Assert.That(parts.Where(p => p.Name == "image[]").Select(p => p.Data), Is.EqualTo(new[] { first, second }));
        Assert.That(parts.First(p => p.Name == "image[]").FileName, Is.EqualTo("a.png"));
        Assert.That(parts.First(p => p.Name == "image[]").ContentType, Is.EqualTo("image/png"));
        Assert.That(parts.Single(p => p.Name == "mask").Data, Is.EqualTo(mask));
        Assert.That(parts.Single(p => p.Name == "model").Text, Is.EqualTo("gpt-image-1"));
        Assert.That(parts.Single(p => p.Name == "prompt").Text, Is.EqualTo("put them on a beach"));
        Assert.That(parts.Single(p => p.Name == "size").Text, Is.EqualTo("1024x1024"));
        Assert.That(parts.Single(p => p.Name == "output_format").Text, Is.EqualTo("webp"));
        Assert.That(parts.Single(p => p.Name == "input_fidelity").Text, Is.EqualTo("high"));
        Assert.That(parts.Single(p => p.Name == "n").Text, Is.EqualTo("2"), "ProviderOptions override mapped fields, once");
        Assert.That(parts.Any(p => p.Name == "response_format"), Is.False);
    }

    [Test]
    public async Task Dall_e_2_edit_sends_a_single_image_part_and_asks_for_b64_json()
    {
        OpenAIImageGenerator generator = _mock.Create();
        byte[] image = TestImages.Png(8, 8);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-2", InputImages = [ImageInput.FromBytes(image)] });

        List<MultipartPart> parts = await MultipartPart.ReadAllAsync(_mock.RawBodies[0], _mock.ContentTypes[0]!);
        Assert.That(parts.Single(p => p.Name == "image").Data, Is.EqualTo(image));
        Assert.That(parts.Single(p => p.Name == "image").FileName, Is.EqualTo("image1.png"));
        Assert.That(parts.Single(p => p.Name == "response_format").Text, Is.EqualTo("b64_json"));
        Assert.That(parts.Any(p => p.Name == "output_format"), Is.False);
        Assert.That(result.Images, Has.Count.EqualTo(1));
    }

    [Test]
    public void Mask_without_input_images_and_too_many_images_are_rejected_before_any_network_call()
    {
        OpenAIImageGenerator generator = _mock.Create();
        ImageInput png = ImageInput.FromBytes(TestImages.Png(4, 4));

        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("p") { Mask = png }));
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("p") { InputImages = Enumerable.Repeat(png, 17).ToList() }));
        Assert.That(_mock.Requests, Is.Empty);
    }

    [Test]
    public void Blank_prompt_is_rejected_before_any_network_call()
    {
        OpenAIImageGenerator generator = _mock.Create();

        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("  ")));
        Assert.That(_mock.Requests, Is.Empty);
    }

    [Test]
    public void Options_without_a_key_are_rejected()
    {
        Assert.That(() => new OpenAIImageGenerator(new OpenAIImageGeneratorOptions(), new ProviderTransport(new HttpClient())), Throws.InstanceOf<ArgumentException>());
        Assert.That(
            () => new OpenAIImageGenerator(new OpenAIImageGeneratorOptions { ApiKey = "k", BaseUrl = new Uri("ftp://x") }, new ProviderTransport(new HttpClient())),
            Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public async Task The_key_is_set_per_request_never_on_the_shared_client()
    {
        using HttpClient shared = _mock.Handler.ToHttpClient();
        OpenAIImageGenerator generator = new(new OpenAIImageGeneratorOptions { ApiKey = OpenAIMock.ApiKey }, new ProviderTransport(shared));

        await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(shared.DefaultRequestHeaders.Authorization, Is.Null);
        Assert.That(shared.DefaultRequestHeaders, Is.Empty);
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
