using ImageGen.Sdk.Providers.AzureOpenAI;
using RichardSzalay.MockHttp;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>A client used alone, without the validation layer, never sends a request it knows the API refuses.</summary>
public class OpenAIRequestRefusalTests
{
    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    private static IEnumerable<TestCaseData> Refused()
    {
        yield return new TestCaseData(new ImageGenerationRequest("p") { Count = 0 }, "Count").SetName("n 0");
        yield return new TestCaseData(new ImageGenerationRequest("p") { Count = 11 }, "Count").SetName("n above 10");
        yield return new TestCaseData(new ImageGenerationRequest("p") { Model = "dall-e-3", Count = 2 }, "Count").SetName("dall-e-3 takes one image per call");
        yield return new TestCaseData(new ImageGenerationRequest("p") { Model = "dall-e-3", Size = new ImageSize(512, 512) }, "Size").SetName("dall-e-3 at 512x512");
        yield return new TestCaseData(new ImageGenerationRequest(" "), "Prompt").SetName("blank prompt");
    }

    [TestCaseSource(nameof(Refused))]
    public void OpenAI_refuses_before_the_network(ImageGenerationRequest request, string field)
    {
        ArgumentException ex = Assert.ThrowsAsync<ArgumentException>(() => _mock.Create().GenerateAsync(request))!;

        Assert.That(ex.ParamName, Is.EqualTo("request." + field));
        Assert.That(_mock.Requests, Is.Empty);
    }

    [Test]
    public void Azure_refuses_a_size_the_model_behind_the_deployment_does_not_take()
    {
        AzureOpenAIImageGenerator generator = new(
            new AzureOpenAIImageGeneratorOptions { ApiKey = "azure-key-0123456789", Endpoint = new Uri("https://res.openai.azure.com"), Deployment = "pictures", Model = "dall-e-3" },
            new ImageGen.Sdk.Providers.ProviderTransport(_mock.Handler.ToHttpClient()));

        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(512, 512) }));
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("p") { Count = 0 }));
        Assert.That(_mock.Requests, Is.Empty);
    }

    [Test]
    public async Task An_unknown_model_passes_through_unchecked()
    {
        await _mock.Create().GenerateAsync(new ImageGenerationRequest("p") { Model = "gpt-image-9", Size = new ImageSize(640, 480) });

        Assert.That(_mock.Requests, Has.Count.EqualTo(1));
    }
}
