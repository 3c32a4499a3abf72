using System.Net;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.Providers.OpenAI;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace ImageGen.Sdk.Tests.Providers.Http;

public class HttpImageGeneratorRequestTests
{
    private AcmeMock _mock = null!;

    [SetUp]
    public void SetUp()
    {
        _mock = new AcmeMock();
        _mock.RespondJson(HttpStatusCode.OK, AcmeMock.ImagesJson(TestImages.Png(8, 8)));
    }

    [TearDown]
    public void TearDown() => _mock.Dispose();

    private static IEnumerable<TestCaseData> InvalidRequests()
    {
        yield return new TestCaseData(new ImageGenerationRequest("p") { Count = 0 }, "Count").SetName("Count 0");
        yield return new TestCaseData(new ImageGenerationRequest("p") { Count = 5 }, "Count").SetName("Count above the model's per-call limit");
        yield return new TestCaseData(new ImageGenerationRequest("  "), "Prompt").SetName("Blank prompt");
        yield return new TestCaseData(new ImageGenerationRequest("p") { Size = new ImageSize(768, 768) }, "Size").SetName("A size the model refuses");
        yield return new TestCaseData(new ImageGenerationRequest("p") { Mask = new ImageInput(TestImages.Png(4, 4), "image/png") }, "Mask").SetName("A mask without input images");
    }

    [TestCaseSource(nameof(InvalidRequests))]
    public void A_request_the_provider_would_refuse_is_an_ArgumentException_and_nothing_is_sent(ImageGenerationRequest request, string field)
    {
        ArgumentException ex = Assert.ThrowsAsync<ArgumentException>(() => _mock.Create().GenerateAsync(request))!;

        Assert.That(ex.ParamName, Is.EqualTo("request." + field));
        Assert.That(_mock.ApiRequests, Is.Empty);
    }

    [Test]
    public async Task A_model_the_client_does_not_know_passes_through_unchecked()
    {
        await _mock.Create().GenerateAsync(new ImageGenerationRequest("p") { Model = "acme-2-preview", Size = new ImageSize(768, 768), Count = 8 });

        Assert.That(_mock.ApiRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public void The_client_answers_its_metadata_and_itself_through_GetService()
    {
        AcmeImageGenerator generator = _mock.Create(o => o.ProviderName = "acme-eu");

        ImageGeneratorMetadata metadata = generator.GetRequiredService<ImageGeneratorMetadata>();

        Assert.That(metadata.ProviderName, Is.EqualTo("acme-eu"));
        Assert.That(metadata.ProviderType, Is.EqualTo("Acme"));
        Assert.That(metadata.GetModel(null), Is.SameAs(AcmeImageGenerator.Acme1));
        Assert.That(generator.GetService<HttpImageGenerator>(), Is.SameAs(generator));
        Assert.That(generator.GetService(typeof(ImageGeneratorMetadata), serviceKey: "other"), Is.Null);
    }

    [Test]
    public async Task The_result_reports_the_elapsed_time_on_the_transport_clock()
    {
        _mock.Api.Fallback.Respond(async () =>
        {
            _mock.Time.Advance(TimeSpan.FromSeconds(3));
            await Task.Yield();
            return AcmeMock.Json(HttpStatusCode.OK, AcmeMock.ImagesJson(TestImages.Png(8, 8)));
        });

        ImageGenerationResult result = await _mock.Create().GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [TestCase(null, "options.ApiKey")]
    [TestCase(" ", "options.ApiKey")]
    public void Options_without_a_key_are_refused_at_construction(string? key, string parameter)
    {
        ArgumentException ex = Assert.Catch<ArgumentException>(() => new AcmeImageGenerator(new AcmeImageGeneratorOptions { ApiKey = key }, new ProviderTransport(new HttpClient())))!;

        Assert.That(ex.ParamName, Is.EqualTo(parameter));
    }

    [Test]
    public void Non_positive_limits_are_refused_at_construction()
    {
        Assert.That(() => _mock.Create(o => o.MaxResponseBytes = 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => _mock.Create(o => o.MaxDownloadBytes = -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task A_provider_type_outside_the_sdk_plugs_into_AddImageGeneration_with_one_registration()
    {
        ServiceCollection collection = new();
        collection.AddImageGeneration(o => o.Providers["acme"] = new ImageProviderOptions { Type = "Acme", ApiKey = AcmeMock.ApiKey, BaseUrl = "https://api.acme.test/v2" })
            .AddProviderFactory<AcmeImageProviderFactory>();
        collection.AddHttpClient(ImageGenerationHttpClientNames.ForProvider("acme")).ConfigurePrimaryHttpMessageHandler(() => _mock.Api);
        await using ServiceProvider services = collection.BuildServiceProvider();
        IImageGenerator images = services.GetRequiredService<IImageGenerator>();

        ImageGenerationResult result = await images.GenerateAsync(new ImageGenerationRequest("p") { Count = 6 });

        Assert.That(result.Provider, Is.EqualTo("acme"));
        Assert.That(result.Images, Has.Count.EqualTo(2), "each of the two split calls returned one image");
        Assert.That(_mock.ApiRequests.Select(r => r.RequestUri!.ToString()), Is.All.EqualTo("https://api.acme.test/v2/images"));
        Assert.ThrowsAsync<ArgumentException>(() => images.GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(768, 768) }));
    }
}
