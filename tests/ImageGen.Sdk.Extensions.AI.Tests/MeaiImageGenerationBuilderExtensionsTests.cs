using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI.Tests;

/// <summary>The bridge under <c>AddImageGeneration()</c>: an MEAI generator as a provider of the full stack, and the stack as an MEAI generator.</summary>
public class MeaiImageGenerationBuilderExtensionsTests
{
    [Test]
    public async Task A_repeated_request_through_the_stack_is_a_cache_hit_that_never_reaches_the_MEAI_provider()
    {
        FakeMeaiImageGenerator meai = new();
        using ServiceProvider services = Build(meai);
        Meai.IImageGenerator generator = services.GetRequiredService<Meai.IImageGenerator>();

        Meai.ImageGenerationResponse first = await generator.GenerateImagesAsync("a red fox");
        Meai.ImageGenerationResponse second = await generator.GenerateImagesAsync("a red fox");

        Assert.That(meai.Calls, Has.Count.EqualTo(1));
        ImageGenerationResult firstResult = (ImageGenerationResult)first.RawRepresentation!;
        ImageGenerationResult secondResult = (ImageGenerationResult)second.RawRepresentation!;
        Assert.That((firstResult.FromCache, secondResult.FromCache), Is.EqualTo((false, true)));
        Assert.That((secondResult.Provider, secondResult.Model), Is.EqualTo(("meai", "fake-meai-model")));
        Assert.That(((Meai.DataContent)second.Contents.Single()).Data.ToArray(), Is.EqualTo(FakeMeaiImageGenerator.Png));
    }

    [Test]
    public async Task A_429_from_the_MEAI_provider_is_retried_by_the_stack()
    {
        FakeMeaiImageGenerator meai = new();
        meai.ThenThrow(new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests));
        using ServiceProvider services = Build(meai);

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That(meai.Calls, Has.Count.EqualTo(2));
        Assert.That(result.Attempts, Is.EqualTo(2));
    }

    [Test]
    public void A_non_transient_failure_is_not_retried_and_reaches_the_MEAI_caller_classified()
    {
        FakeMeaiImageGenerator meai = new();
        meai.ThenThrow(new HttpRequestException("bad key", null, HttpStatusCode.Unauthorized));
        using ServiceProvider services = Build(meai);

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(
            () => services.GetRequiredService<Meai.IImageGenerator>().GenerateImagesAsync("a red fox"));

        Assert.That((thrown!.Kind, thrown.Provider, thrown.StatusCode), Is.EqualTo((ImageGenerationErrorKind.Authentication, (string?)"meai", (int?)401)));
        Assert.That(meai.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Configured_api_keys_each_get_their_own_generator_and_a_rejected_key_moves_the_call_to_the_next()
    {
        ConcurrentDictionary<string, FakeMeaiImageGenerator> byKey = new();
        using ServiceProvider services = Build(
            builder => builder.AddMeaiProvider("meai", (_, key) => byKey.GetOrAdd(key!, k => k == "key-one"
                ? new FakeMeaiImageGenerator(apiKey: k).ThenThrow(new HttpRequestException("revoked", null, HttpStatusCode.Unauthorized))
                : new FakeMeaiImageGenerator(apiKey: k))),
            ("ImageGeneration:Providers:meai:ApiKeys:0", "key-one"),
            ("ImageGeneration:Providers:meai:ApiKeys:1", "key-two"));

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That(byKey.Keys, Is.EquivalentTo(new[] { "key-one", "key-two" }));
        Assert.That((byKey["key-one"].Calls.Count, byKey["key-two"].Calls.Count), Is.EqualTo((1, 1)));
        Assert.That(result.Provider, Is.EqualTo("meai"));
    }

    [Test]
    public async Task The_stack_falls_back_from_a_failing_MEAI_provider_to_the_next_one()
    {
        FakeMeaiImageGenerator meai = new();
        meai.ThenThrow(new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable));
        using ServiceProvider services = Build(
            builder => builder.AddMeaiProvider("meai", _ => meai),
            ("ImageGeneration:DefaultProvider", "meai"),
            ("ImageGeneration:Retry:MaxRetries", "0"),
            ("ImageGeneration:Providers:offline:Type", "Local"),
            ("ImageGeneration:Fallback:Providers:0", "meai"),
            ("ImageGeneration:Fallback:Providers:1", "offline"));

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a red fox") { Size = new ImageSize(16, 16) });

        Assert.That(result.Provider, Is.EqualTo("offline"));
        Assert.That(meai.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_keyed_MEAI_generator_is_pinned_to_its_provider_and_describes_it()
    {
        FakeMeaiImageGenerator meai = new();
        using ServiceProvider services = Build(
            builder => builder.AddMeaiProvider("meai", _ => meai, o => o.DefaultModel = "configured-model").AddMeaiImageGenerator(),
            ("ImageGeneration:DefaultProvider", "offline"),
            ("ImageGeneration:Providers:offline:Type", "Local"));
        Meai.IImageGenerator pinned = services.GetRequiredKeyedService<Meai.IImageGenerator>("meai");

        Meai.ImageGenerationResponse response = await pinned.GenerateImagesAsync("a red fox");

        Assert.That(((ImageGenerationResult)response.RawRepresentation!).Provider, Is.EqualTo("meai"));
        Assert.That(services.GetRequiredService<Meai.IImageGenerator>().GetService<Meai.ImageGeneratorMetadata>()!.ProviderName, Is.EqualTo("offline"));
        Assert.That(services.GetRequiredService<IImageProviderCatalog>().Find("meai")!.DefaultModel, Is.EqualTo("configured-model"));
    }

    [Test]
    public void A_provider_typed_MicrosoftExtensionsAI_without_a_registered_generator_fails_start_up_naming_it()
    {
        ServiceCollection collection = new();
        collection.AddSingleton<IConfiguration>(Configuration(
            ("ImageGeneration:Providers:orphan:Type", "MicrosoftExtensionsAI")));
        collection.AddImageGeneration().AddMeaiProvider("meai", _ => new FakeMeaiImageGenerator());
        using ServiceProvider services = collection.BuildServiceProvider();

        OptionsValidationException? thrown = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IImageGenerator>());

        Assert.That(thrown!.Message, Does.Contain("ImageGeneration:Providers:orphan:Type MicrosoftExtensionsAI needs a generator"));
    }

    private static ServiceProvider Build(FakeMeaiImageGenerator meai)
        => Build(builder => builder.AddMeaiProvider("meai", _ => meai).AddMeaiImageGenerator());

    /// <summary>The stack on fake time with zero backoff, so a retry never waits on a clock.</summary>
    private static ServiceProvider Build(Action<ImageGenerationBuilder> configure, params (string Key, string? Value)[] settings)
    {
        ServiceCollection services = new();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSingleton<IConfiguration>(Configuration([("ImageGeneration:Retry:BaseDelay", "00:00:00"), .. settings]));
        ImageGenerationBuilder builder = services.AddImageGeneration();
        configure(builder);
        builder.AddMeaiImageGenerator();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static IConfigurationRoot Configuration(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
