using System.Drawing;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI.Tests;

public class MeaiImageGeneratorTests
{
    [Test]
    public async Task Options_map_to_the_request_fields()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        await generator.GenerateAsync(new Meai.ImageGenerationRequest("a red fox"), new Meai.ImageGenerationOptions
        {
            Count = 3,
            ImageSize = new Size(1536, 1024),
            ModelId = "gpt-image-1",
            MediaType = "image/webp",
        });

        ImageGenerationRequest request = ours.Requests.Single();
        Assert.That(request.Prompt, Is.EqualTo("a red fox"));
        Assert.That(request.Count, Is.EqualTo(3));
        Assert.That(request.Size, Is.EqualTo(new ImageSize(1536, 1024)));
        Assert.That(request.Model, Is.EqualTo("gpt-image-1"));
        Assert.That(request.OutputFormat, Is.EqualTo(ImageFormat.Webp));
    }

    [Test]
    public async Task The_documented_additional_properties_map_to_their_fields_whatever_their_case()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();
        Meai.DataContent mask = new(FakeMeaiImageGenerator.Png, "image/png") { Name = "mask.png" };

        await generator.GenerateAsync(new Meai.ImageGenerationRequest("a red fox"), new Meai.ImageGenerationOptions
        {
            AdditionalProperties = new()
            {
                ["provider"] = "azure",
                ["Quality"] = "high",
                ["style"] = ImageStyle.Natural,
                ["seed"] = 42,
                ["negative_prompt"] = "no text",
                ["aspect_ratio"] = "16:9",
                ["user"] = "tenant-7",
                ["mask"] = mask,
                ["cache"] = "Bypass",
                ["max_retries"] = "1",
                ["allow_fallback"] = true,
            },
        });

        ImageGenerationRequest request = ours.Requests.Single();
        Assert.That(request.Provider, Is.EqualTo("azure"));
        Assert.That(request.Quality, Is.EqualTo(ImageQuality.High));
        Assert.That(request.Style, Is.EqualTo(ImageStyle.Natural));
        Assert.That(request.Seed, Is.EqualTo(42));
        Assert.That(request.NegativePrompt, Is.EqualTo("no text"));
        Assert.That(request.AspectRatio, Is.EqualTo("16:9"));
        Assert.That(request.User, Is.EqualTo("tenant-7"));
        Assert.That(request.Mask!.Data.ToArray(), Is.EqualTo(FakeMeaiImageGenerator.Png));
        Assert.That(request.Mask.FileName, Is.EqualTo("mask.png"));
        Assert.That(request.Cache, Is.EqualTo(CacheMode.Bypass));
        Assert.That(request.MaxRetries, Is.EqualTo(1));
        Assert.That(request.AllowFallback, Is.True);
        Assert.That(request.ProviderOptions, Is.Null, "every key was a mapped one");
    }

    [Test]
    public async Task Other_additional_properties_become_provider_options()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        await generator.GenerateAsync(new Meai.ImageGenerationRequest("a red fox"), new Meai.ImageGenerationOptions
        {
            AdditionalProperties = new()
            {
                ["background"] = "transparent",
                ["output_compression"] = 80,
                ["stream"] = false,
                ["metadata"] = JsonDocument.Parse("""{"a":1}""").RootElement,
            },
        });

        IReadOnlyDictionary<string, JsonElement> options = ours.Requests.Single().ProviderOptions!;
        Assert.That(options.ToDictionary(o => o.Key, o => o.Value.GetRawText()), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["background"] = "\"transparent\"",
            ["output_compression"] = "80",
            ["stream"] = "false",
            ["metadata"] = """{"a":1}""",
        }));
    }

    [Test]
    public void A_property_of_the_wrong_type_is_a_caller_mistake_naming_the_key()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        ArgumentException? seed = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(
            new Meai.ImageGenerationRequest("x"),
            new Meai.ImageGenerationOptions { AdditionalProperties = new() { ["seed"] = "forty-two" } }));
        ArgumentException? unknown = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(
            new Meai.ImageGenerationRequest("x"),
            new Meai.ImageGenerationOptions { AdditionalProperties = new() { ["custom"] = new object() } }));

        Assert.That(seed!.Message, Does.Contain("AdditionalProperties[\"seed\"]"));
        Assert.That(unknown!.Message, Does.Contain("AdditionalProperties[\"custom\"]"));
        Assert.That(ours.Requests, Is.Empty);
    }

    [Test]
    public async Task Edits_pass_the_original_images_as_input_images()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x01];

        await generator.EditImagesAsync(
            [new Meai.DataContent(FakeMeaiImageGenerator.Png, "image/png") { Name = "a.png" }, new Meai.DataContent(jpeg, "image/jpeg")],
            "make it blue");

        ImageGenerationRequest request = ours.Requests.Single();
        Assert.That(request.Prompt, Is.EqualTo("make it blue"));
        Assert.That(request.InputImages!.Select(i => (i.MediaType, i.FileName, i.Data.Length)), Is.EqualTo(new[]
        {
            ("image/png", (string?)"a.png", FakeMeaiImageGenerator.Png.Length),
            ("image/jpeg", (string?)null, jpeg.Length),
        }));
    }

    [Test]
    public void An_original_image_given_as_a_remote_url_is_refused_before_any_call()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(
            new Meai.ImageGenerationRequest("x", [new Meai.UriContent(new Uri("https://example.test/a.png"), "image/png")])));
        Assert.That(ours.Requests, Is.Empty);
    }

    [Test]
    public async Task Results_are_DataContent_with_our_result_as_the_raw_representation()
    {
        byte[] second = [.. FakeMeaiImageGenerator.Png, 0x01];
        ImageGenerationResult ourResult = new(
            [new GeneratedImage(FakeMeaiImageGenerator.Png, "image/png") { RevisedPrompt = "a red fox, detailed", Seed = 7 }, new GeneratedImage(second, "image/png")],
            "openai",
            "gpt-image-1")
        {
            Usage = new ImageUsage { InputTokens = 10, InputTextTokens = 10, OutputTokens = 272, TotalTokens = 282 },
            FromCache = true,
        };
        RecordingImageGenerator ours = new() { Answer = _ => ourResult };
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        Meai.ImageGenerationResponse response = await generator.GenerateImagesAsync("a red fox");

        Assert.That(response.RawRepresentation, Is.SameAs(ourResult));
        Meai.DataContent[] images = [.. response.Contents.Cast<Meai.DataContent>()];
        Assert.That(images.Select(i => i.Data.ToArray()), Is.EqualTo(new[] { FakeMeaiImageGenerator.Png, second }));
        Assert.That(images.Select(i => i.MediaType), Is.All.EqualTo("image/png"));
        Assert.That(images[0].RawRepresentation, Is.SameAs(ourResult.Images[0]));
        Assert.That(images[0].AdditionalProperties![MeaiAdditionalProperties.RevisedPrompt], Is.EqualTo("a red fox, detailed"));
        Assert.That(images[0].AdditionalProperties![MeaiAdditionalProperties.Seed], Is.EqualTo(7L));
        Assert.That(images[1].AdditionalProperties, Is.Null);
        Assert.That(
            (response.Usage!.InputTokenCount, response.Usage.InputTextTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount),
            Is.EqualTo(((long?)10, (long?)10, (long?)272, (long?)282)));
    }

    [Test]
    public async Task A_raw_representation_factory_returning_our_request_is_the_starting_point()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        await generator.GenerateAsync(new Meai.ImageGenerationRequest("a red fox"), new Meai.ImageGenerationOptions
        {
            RawRepresentationFactory = _ => new ImageGenerationRequest("ignored") { Provider = "azure", Cache = CacheMode.Refresh, Count = 2 },
            Count = 4,
        });

        ImageGenerationRequest request = ours.Requests.Single();
        Assert.That((request.Prompt, request.Provider, request.Cache, request.Count), Is.EqualTo(("a red fox", "azure", CacheMode.Refresh, 4)));
    }

    [Test]
    public void A_request_without_a_prompt_is_a_caller_mistake()
    {
        RecordingImageGenerator ours = new();
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new Meai.ImageGenerationRequest()));
    }

    [Test]
    public void Our_exceptions_reach_the_caller_unchanged()
    {
        ImageGenerationException failure = new(ImageGenerationErrorKind.ContentFiltered, "refused") { Provider = "openai" };
        RecordingImageGenerator ours = new() { Answer = _ => throw failure };
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateImagesAsync("x"));

        Assert.That(thrown, Is.SameAs(failure));
    }

    [Test]
    public void GetService_answers_MEAI_metadata_from_ours_and_forwards_everything_else()
    {
        ImageGeneratorMetadata metadata = new("openai", "OpenAI", "gpt-image-1", [], new Uri("https://api.openai.com/v1"));
        RecordingImageGenerator ours = new() { Metadata = metadata };
        using Meai.IImageGenerator generator = ours.AsMeaiImageGenerator();

        Meai.ImageGeneratorMetadata? theirs = generator.GetService<Meai.ImageGeneratorMetadata>();

        Assert.That((theirs!.ProviderName, theirs.ProviderUri, theirs.DefaultModelId), Is.EqualTo(("openai", new Uri("https://api.openai.com/v1"), "gpt-image-1")));
        Assert.That(generator.GetService<ImageGeneratorMetadata>(), Is.SameAs(metadata));
        Assert.That(generator.GetService<IImageGenerator>(), Is.SameAs(ours));
        Assert.That(generator.GetService<Meai.IImageGenerator>(), Is.SameAs(generator));
        Assert.That(generator.GetService<ImageGeneratorMetadata>("some key"), Is.Null);
    }
}
