using System.Text.Json;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.AzureOpenAI;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>
/// The OpenAI clients used directly (no validation layer in front): a field the model would reject is left out of the
/// body and the result says so in <see cref="ImageGenerationResult.Warnings"/>.
/// </summary>
public class OpenAIModelAwareFieldsTests
{
    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [TestCase("gpt-image-1")]
    [TestCase("gpt-image-1.5")]
    [TestCase("gpt-image-1-mini")]
    [TestCase("gpt-image-2")]
    [TestCase("dall-e-2")]
    public async Task Style_is_never_sent_to_a_model_other_than_dall_e_3_and_the_result_says_so(string model)
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = model, Style = ImageStyle.Vivid });

        Assert.That(_mock.LastBody.TryGetProperty("style", out _), Is.False);
        Assert.That(result.Warnings, Has.One.EqualTo($"Style was not sent: model '{model}' takes no style (only dall-e-3 does)."));
    }

    [Test]
    public async Task Style_goes_to_dall_e_3_with_no_warning()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "dall-e-3", Style = ImageStyle.Natural });

        Assert.That(_mock.LastBody.GetProperty("style").GetString(), Is.EqualTo("natural"));
        Assert.That(result.Warnings, Is.Empty);
    }

    [Test]
    public async Task Style_for_an_unknown_model_is_not_sent_and_the_warning_says_how_to_send_it()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = "flux-via-gateway", Style = ImageStyle.Vivid });

        Assert.That(_mock.LastBody.TryGetProperty("style", out _), Is.False);
        Assert.That(result.Warnings.Single(), Does.StartWith("Style was not sent: 'flux-via-gateway' is not a model known to take a style").And.Contain("ProviderOptions[\"style\"]"));
    }

    [Test]
    public async Task Style_in_provider_options_is_sent_as_given_with_no_warning()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p")
        {
            Model = "flux-via-gateway",
            Style = ImageStyle.Vivid,
            ProviderOptions = new Dictionary<string, JsonElement> { ["style"] = JsonSerializer.SerializeToElement("cinematic") },
        });

        Assert.That(_mock.LastBody.GetProperty("style").GetString(), Is.EqualTo("cinematic"));
        Assert.That(result.Warnings, Is.Empty);
    }

    [TestCase("dall-e-2")]
    [TestCase("dall-e-3")]
    public async Task OutputFormat_is_never_sent_to_dall_e_and_the_result_says_so(string model)
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Model = model, OutputFormat = ImageFormat.Jpeg });

        JsonElement body = _mock.LastBody;
        Assert.That(body.TryGetProperty("output_format", out _), Is.False);
        Assert.That(body.GetProperty("response_format").GetString(), Is.EqualTo("b64_json"));
        Assert.That(result.Warnings, Has.One.EqualTo($"OutputFormat was not sent: model '{model}' takes no output_format and returns PNG."));
    }

    [Test]
    public async Task OutputFormat_goes_to_gpt_image_models_with_no_warning()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { OutputFormat = ImageFormat.Webp });

        Assert.That(_mock.LastBody.GetProperty("output_format").GetString(), Is.EqualTo("webp"));
        Assert.That(result.Warnings, Is.Empty);
    }

    [Test]
    public async Task A_dall_e_2_edit_leaves_out_output_format_and_style_and_says_so()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p")
        {
            Model = "dall-e-2",
            InputImages = [ImageInput.FromBytes(TestImages.Png(8, 8))],
            OutputFormat = ImageFormat.Webp,
            Style = ImageStyle.Vivid,
        });

        List<MultipartPart> parts = await MultipartPart.ReadAllAsync(_mock.RawBodies[0], _mock.ContentTypes[0]!);
        Assert.That(parts.Select(p => p.Name), Has.None.EqualTo("output_format").And.None.EqualTo("style"));
        Assert.That(result.Warnings, Is.EquivalentTo(new[]
        {
            "Style was ignored: image edits take no style.",
            "OutputFormat was not sent: model 'dall-e-2' takes no output_format and returns PNG.",
        }));
    }

    [Test]
    public async Task Azure_decides_by_the_model_behind_the_deployment()
    {
        AzureOpenAIImageGenerator painter = CreateAzure(o =>
        {
            o.Deployment = "painter";
            o.Model = "dall-e-3";
        });
        ImageGenerationResult dallE = await painter.GenerateAsync(new ImageGenerationRequest("p") { Style = ImageStyle.Vivid, OutputFormat = ImageFormat.Png });

        Assert.That(_mock.LastBody.GetProperty("style").GetString(), Is.EqualTo("vivid"));
        Assert.That(_mock.LastBody.TryGetProperty("output_format", out _), Is.False);
        Assert.That(dallE.Warnings.Single(), Does.StartWith("OutputFormat was not sent: model 'dall-e-3'"));

        AzureOpenAIImageGenerator images = CreateAzure(o => o.Deployment = "img-prod");
        ImageGenerationResult gpt = await images.GenerateAsync(new ImageGenerationRequest("p") { Style = ImageStyle.Vivid, OutputFormat = ImageFormat.Png });

        Assert.That(_mock.LastBody.TryGetProperty("style", out _), Is.False, "a deployment of unknown model is treated like a GPT image model");
        Assert.That(_mock.LastBody.GetProperty("output_format").GetString(), Is.EqualTo("png"));
        Assert.That(gpt.Warnings.Single(), Does.StartWith("Style was not sent: 'img-prod' is not a model known to take a style")
            .And.Contain("ImageGeneration:Providers:{name}:DefaultModel").And.Contain("AzureOpenAIImageGeneratorOptions.Model"));
    }

    private AzureOpenAIImageGenerator CreateAzure(Action<AzureOpenAIImageGeneratorOptions> configure)
    {
        AzureOpenAIImageGeneratorOptions options = new() { ApiKey = "0123456789abcdef0123456789abcdef", Endpoint = new Uri("https://res.openai.azure.com") };
        configure(options);
        return new AzureOpenAIImageGenerator(options, new ProviderTransport(_mock.Handler.ToHttpClient(), _mock.Downloads.ToHttpClient()) { TimeProvider = _mock.Time });
    }
}
