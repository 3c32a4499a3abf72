using System.Drawing;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI.Tests;

public class MeaiProviderImageGeneratorTests
{
    [Test]
    public async Task Our_request_maps_to_MEAI_options_asking_for_bytes()
    {
        FakeMeaiImageGenerator meai = new();
        IImageGenerator provider = meai.AsImageGenProvider("meai");

        await provider.GenerateAsync(new ImageGenerationRequest("a red fox")
        {
            Count = 2,
            Size = new ImageSize(1024, 1536),
            Model = "dall-e-3",
            OutputFormat = ImageFormat.Jpeg,
            Quality = ImageQuality.Hd,
            Style = ImageStyle.Vivid,
            Seed = 9,
            NegativePrompt = "no text",
            AspectRatio = "2:3",
            User = "tenant-7",
            Mask = ImageInput.FromBytes(FakeMeaiImageGenerator.Png),
            InputImages = [ImageInput.FromBytes(FakeMeaiImageGenerator.Png, fileName: "in.png")],
            ProviderOptions = new Dictionary<string, JsonElement> { ["background"] = JsonDocument.Parse("\"transparent\"").RootElement },
            Provider = "meai",
            Cache = CacheMode.Bypass,
        });

        (Meai.ImageGenerationRequest request, Meai.ImageGenerationOptions? options) = meai.Calls.Single();
        Assert.That(request.Prompt, Is.EqualTo("a red fox"));
        Assert.That(request.OriginalImages!.Cast<Meai.DataContent>().Single().Name, Is.EqualTo("in.png"));
        Assert.That(options!.Count, Is.EqualTo(2));
        Assert.That(options.ImageSize, Is.EqualTo(new Size(1024, 1536)));
        Assert.That(options.ModelId, Is.EqualTo("dall-e-3"));
        Assert.That(options.MediaType, Is.EqualTo("image/jpeg"));
        Assert.That(options.ResponseFormat, Is.EqualTo(Meai.ImageGenerationResponseFormat.Data));
        Meai.AdditionalPropertiesDictionary properties = options.AdditionalProperties!;
        Assert.That(properties.Keys, Is.EquivalentTo(new[] { "quality", "style", "seed", "negative_prompt", "aspect_ratio", "user", "mask", "background" }),
            "the stack's own fields (provider, cache) are not sent");
        Assert.That((properties["quality"], properties["style"], properties["seed"], properties["negative_prompt"], properties["aspect_ratio"], properties["user"]),
            Is.EqualTo(((object?)"hd", (object?)"vivid", (object?)9L, (object?)"no text", (object?)"2:3", (object?)"tenant-7")));
        Assert.That(((Meai.DataContent)properties["mask"]!).Data.ToArray(), Is.EqualTo(FakeMeaiImageGenerator.Png));
        Assert.That(((JsonElement)properties["background"]!).GetString(), Is.EqualTo("transparent"));
    }

    [Test]
    public async Task DataContent_images_become_the_result_named_after_the_provider_and_the_generators_default_model()
    {
        FakeMeaiImageGenerator meai = new(defaultModelId: "their-model");
        byte[] unlabelled = [.. FakeMeaiImageGenerator.Png, 0x02];
        Meai.DataContent revised = new(FakeMeaiImageGenerator.Png, "image/png") { AdditionalProperties = new() { ["revised_prompt"] = "a fox, red" } };
        meai.Then((_, _, _) => Task.FromResult(new Meai.ImageGenerationResponse(
            [revised, new Meai.DataContent(unlabelled, "application/octet-stream"), new Meai.TextContent("a caption")])
        {
            Usage = new Meai.UsageDetails { InputTokenCount = 5, OutputTokenCount = 100, TotalTokenCount = 105 },
        }));
        FakeTimeProvider clock = new();
        IImageGenerator provider = meai.AsImageGenProvider("meai", timeProvider: clock);

        ImageGenerationResult result = await provider.GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That((result.Provider, result.Model), Is.EqualTo(("meai", "their-model")));
        Assert.That(result.Images.Select(i => i.MediaType), Is.EqualTo(new[] { "image/png", "image/png" }), "the octet-stream image is sniffed; the text is skipped");
        Assert.That(result.Images[1].Data.ToArray(), Is.EqualTo(unlabelled));
        Assert.That(result.Images[0].RevisedPrompt, Is.EqualTo("a fox, red"));
        Assert.That((result.Usage!.InputTokens, result.Usage.OutputTokens, result.Usage.TotalTokens), Is.EqualTo(((long?)5, (long?)100, (long?)105)));
    }

    [Test]
    public async Task Metadata_names_the_provider_and_the_configured_default_model_over_the_generators()
    {
        FakeMeaiImageGenerator meai = new(defaultModelId: "their-model");
        MeaiProviderOptions options = new() { DefaultModel = "our-model" };
        options.Models.Add(new ImageModelCapabilities("our-model") { MaxImagesPerCall = 1 });
        IImageGenerator provider = meai.AsImageGenProvider("meai", options);

        ImageGeneratorMetadata metadata = provider.GetRequiredService<ImageGeneratorMetadata>();
        ImageGenerationResult result = await provider.GenerateAsync(new ImageGenerationRequest("x"));

        Assert.That((metadata.ProviderName, metadata.ProviderType, metadata.DefaultModel, metadata.BaseUrl), Is.EqualTo(("meai", "MicrosoftExtensionsAI", "our-model", new Uri("http://127.0.0.1:9/"))));
        Assert.That(metadata.GetModel(null)!.MaxImagesPerCall, Is.EqualTo(1));
        Assert.That(result.Model, Is.EqualTo("our-model"));
        Assert.That(provider.GetService<Meai.ImageGeneratorMetadata>(), Is.SameAs(meai.Metadata), "the generator's own services stay reachable");
    }

    [Test]
    public void A_generator_without_a_default_model_is_described_with_the_unnamed_model()
    {
        IImageGenerator provider = new FakeMeaiImageGenerator(defaultModelId: null).AsImageGenProvider("meai");

        Assert.That(provider.GetRequiredService<ImageGeneratorMetadata>().DefaultModel, Is.EqualTo(MeaiProviderOptions.UnnamedModel));
    }

    [TestCase(HttpStatusCode.TooManyRequests, ImageGenerationErrorKind.RateLimited, true)]
    [TestCase(HttpStatusCode.Unauthorized, ImageGenerationErrorKind.Authentication, false)]
    [TestCase(HttpStatusCode.PaymentRequired, ImageGenerationErrorKind.QuotaExceeded, false)]
    [TestCase(HttpStatusCode.Forbidden, ImageGenerationErrorKind.PermissionDenied, false)]
    [TestCase(HttpStatusCode.NotFound, ImageGenerationErrorKind.NotFound, false)]
    [TestCase(HttpStatusCode.BadRequest, ImageGenerationErrorKind.InvalidRequest, false)]
    [TestCase(HttpStatusCode.RequestTimeout, ImageGenerationErrorKind.Timeout, true)]
    [TestCase(HttpStatusCode.ServiceUnavailable, ImageGenerationErrorKind.ServerError, true)]
    public void An_http_failure_is_classified_by_its_status(HttpStatusCode status, ImageGenerationErrorKind kind, bool transient)
    {
        HttpRequestException cause = new("failed", null, status);
        IImageGenerator provider = new FakeMeaiImageGenerator().ThenThrow(cause).AsImageGenProvider("meai");

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => provider.GenerateAsync(new ImageGenerationRequest("x")));

        Assert.That((thrown!.Kind, thrown.IsTransient, thrown.StatusCode, thrown.Provider, thrown.IsLocalRefusal), Is.EqualTo((kind, transient, (int?)(int)status, (string?)"meai", false)));
        Assert.That(thrown.InnerException, Is.SameAs(cause));
    }

    [Test]
    public void A_connection_failure_is_a_transient_Network_failure()
    {
        IImageGenerator provider = new FakeMeaiImageGenerator().ThenThrow(new HttpRequestException("connection refused")).AsImageGenProvider("meai");

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => provider.GenerateAsync(new ImageGenerationRequest("x")));

        Assert.That((thrown!.Kind, thrown.IsTransient, thrown.StatusCode), Is.EqualTo((ImageGenerationErrorKind.Network, true, (int?)null)));
    }

    [Test]
    public void A_cancellation_the_caller_did_not_ask_for_is_a_Timeout_and_the_callers_own_stays_a_cancellation()
    {
        IImageGenerator timedOut = new FakeMeaiImageGenerator().ThenThrow(new TaskCanceledException("HttpClient.Timeout")).AsImageGenProvider("meai");
        using CancellationTokenSource cancelled = new();
        cancelled.Cancel();
        IImageGenerator cancelledByCaller = new FakeMeaiImageGenerator().ThenThrow(new OperationCanceledException(cancelled.Token)).AsImageGenProvider("meai");

        Assert.That(Assert.ThrowsAsync<ImageGenerationException>(() => timedOut.GenerateAsync(new ImageGenerationRequest("x")))!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
        Assert.That(() => cancelledByCaller.GenerateAsync(new ImageGenerationRequest("x"), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void An_unknown_failure_is_a_ServerError_that_is_not_retried_and_a_caller_mistake_passes_through()
    {
        IImageGenerator broken = new FakeMeaiImageGenerator().ThenThrow(new InvalidOperationException("bug")).AsImageGenProvider("meai");
        IImageGenerator refusing = new FakeMeaiImageGenerator().ThenThrow(new ArgumentException("bad size")).AsImageGenProvider("meai");

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => broken.GenerateAsync(new ImageGenerationRequest("x")));
        Assert.That((thrown!.Kind, thrown.IsTransient), Is.EqualTo((ImageGenerationErrorKind.ServerError, false)));
        Assert.ThrowsAsync<ArgumentException>(() => refusing.GenerateAsync(new ImageGenerationRequest("x")));
    }

    [Test]
    public void The_configured_classifier_is_asked_first()
    {
        MeaiProviderOptions options = new()
        {
            ClassifyException = e => e is InvalidOperationException { Message: "quota" }
                ? new ImageGenerationException(ImageGenerationErrorKind.QuotaExceeded, "out of credits") { Provider = "meai", StatusCode = 429 }
                : null,
        };
        IImageGenerator provider = new FakeMeaiImageGenerator().ThenThrow(new InvalidOperationException("quota")).AsImageGenProvider("meai", options);

        Assert.That(Assert.ThrowsAsync<ImageGenerationException>(() => provider.GenerateAsync(new ImageGenerationRequest("x")))!.Kind, Is.EqualTo(ImageGenerationErrorKind.QuotaExceeded));
    }

    [Test]
    public void A_url_result_or_no_image_is_an_InvalidResponse()
    {
        IImageGenerator url = new FakeMeaiImageGenerator().ThenAnswer(new Meai.UriContent(new Uri("https://cdn.example.test/a.png"), "image/png")).AsImageGenProvider("meai");
        IImageGenerator empty = new FakeMeaiImageGenerator().ThenAnswer(new Meai.TextContent("sorry")).AsImageGenProvider("meai");

        Assert.That(Assert.ThrowsAsync<ImageGenerationException>(() => url.GenerateAsync(new ImageGenerationRequest("x")))!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(Assert.ThrowsAsync<ImageGenerationException>(() => empty.GenerateAsync(new ImageGenerationRequest("x")))!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
    }

    [Test]
    public void Blank_names_and_invalid_options_are_refused_at_once()
    {
        FakeMeaiImageGenerator meai = new();
        MeaiProviderOptions twice = new();
        twice.Models.Add(new ImageModelCapabilities("m"));
        twice.Models.Add(new ImageModelCapabilities("M"));

        Assert.Throws<ArgumentException>(() => meai.AsImageGenProvider(" "));
        Assert.Throws<ArgumentException>(() => meai.AsImageGenProvider("meai", new MeaiProviderOptions { DefaultModel = " " }));
        Assert.Throws<ArgumentException>(() => meai.AsImageGenProvider("meai", twice));
    }
}
