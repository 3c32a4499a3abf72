using System.Net;
using ImageGen.Sdk;
using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace ImageGen.Sdk.ExternalProvider.Tests;

/// <summary>
/// A provider written outside the SDK (<see cref="PixelForgeImageGenerator"/>, one class) plugged in with one
/// registration line gets the whole stack: validation, count splitting, cache, retry, limits, key rotation, fallback.
/// </summary>
public sealed class PluggedInProviderTests
{
    private const string Png1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    private const string Render = "https://forge.test/v1/render";
    private static readonly ImageSize Small = new(256, 256);

    // NUnit reuses one fixture instance for every test: each test gets fresh ones.
    private MockHttpMessageHandler _mock = null!;
    private List<string?> _keysSent = null!;
    private ServiceProvider? _services;

    [SetUp]
    public void SetUp()
    {
        _mock = new MockHttpMessageHandler();
        _keysSent = [];
        _services = null;
    }

    [TearDown]
    public void TearDown()
    {
        _services?.Dispose();
        _mock.Dispose();
    }

    [Test]
    public void The_catalog_describes_it_from_the_clients_own_metadata()
    {
        IImageProviderCatalog catalog = Build().GetRequiredService<IImageProviderCatalog>();

        ImageProviderDescriptor forge = catalog.Find("forge")!;
        Assert.That((forge.ProviderType, forge.DefaultModel), Is.EqualTo((PixelForgeImageGenerator.TypeName, "forge-1")));
        Assert.That(forge.GetModel("forge-1")!.MaxImagesPerCall, Is.EqualTo(1));
    }

    [Test]
    public async Task A_second_identical_request_comes_from_the_cache_without_a_call()
    {
        Respond(HttpStatusCode.OK);
        IImageGenerator images = Build().GetRequiredService<IImageGenerator>();

        ImageGenerationResult first = await images.GenerateAsync(new ImageGenerationRequest("a forge") { Size = Small });
        ImageGenerationResult second = await images.GenerateAsync(new ImageGenerationRequest("a forge") { Size = Small });

        Assert.That((first.FromCache, second.FromCache), Is.EqualTo((false, true)));
        Assert.That(_keysSent, Has.Count.EqualTo(1));
        Assert.That(first.ProviderRequestId, Is.EqualTo("job-1"));
    }

    [Test]
    public void Caller_mistakes_are_refused_before_any_call_from_the_providers_metadata()
    {
        IImageGenerator images = Build().GetRequiredService<IImageGenerator>();

        Assert.ThrowsAsync<ArgumentException>(() => images.GenerateAsync(new ImageGenerationRequest("a forge") { Size = new ImageSize(1024, 1024) }));
        Assert.ThrowsAsync<ArgumentException>(() => images.GenerateAsync(new ImageGenerationRequest(" ")));
        Assert.That(_keysSent, Is.Empty);
    }

    [Test]
    public async Task Count_above_the_per_call_limit_is_split_into_calls()
    {
        Respond(HttpStatusCode.OK);
        IImageGenerator images = Build().GetRequiredService<IImageGenerator>();

        ImageGenerationResult result = await images.GenerateAsync(new ImageGenerationRequest("a forge") { Size = Small, Count = 3 });

        Assert.That(result.Images, Has.Count.EqualTo(3));
        Assert.That(_keysSent, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_503_is_retried_and_the_call_succeeds()
    {
        Respond(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        IImageGenerator images = Build().GetRequiredService<IImageGenerator>();

        ImageGenerationResult result = await images.GenerateAsync(new ImageGenerationRequest("a forge") { Size = Small });

        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(_keysSent, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_429_rests_that_key_and_the_next_call_uses_the_other_one()
    {
        Respond(HttpStatusCode.TooManyRequests, HttpStatusCode.OK, HttpStatusCode.OK);
        IImageGenerator images = Build().GetRequiredService<IImageGenerator>();

        await images.GenerateAsync(new ImageGenerationRequest("first") { Size = Small });
        await images.GenerateAsync(new ImageGenerationRequest("second") { Size = Small });

        Assert.That(_keysSent[0], Is.Not.EqualTo(_keysSent[1]), "the retry after the 429 went to the other key");
        Assert.That(_keysSent[2], Is.EqualTo(_keysSent[1]), "the rate-limited key rests for its Retry-After (60 s)");
    }

    [Test]
    public async Task An_outage_falls_back_to_the_next_provider()
    {
        Respond(Enumerable.Repeat(HttpStatusCode.InternalServerError, 10).ToArray());
        IImageGenerator images = Build(("ImageGeneration:Fallback:0", "forge"), ("ImageGeneration:Fallback:1", "local"), ("ImageGeneration:Providers:local:Type", "Local"))
            .GetRequiredService<IImageGenerator>();

        ImageGenerationResult result = await images.GenerateAsync(new ImageGenerationRequest("a forge") { Size = Small });

        Assert.That(result.Provider, Is.EqualTo("local"));
        Assert.That(_keysSent, Is.Not.Empty);
    }

    [Test]
    public void A_configured_rate_limit_refuses_locally_without_a_call()
    {
        Respond(HttpStatusCode.OK);
        IImageGenerator images = Build(
                ("ImageGeneration:Providers:forge:RateLimit:RequestsPerMinute", "1"),
                ("ImageGeneration:Providers:forge:RateLimit:MaxWait", "00:00:00"))
            .GetRequiredService<IImageGenerator>();

        Assert.DoesNotThrowAsync(() => images.GenerateAsync(new ImageGenerationRequest("first") { Size = Small }));
        ImageGenerationException? refused = Assert.ThrowsAsync<ImageGenerationException>(() => images.GenerateAsync(new ImageGenerationRequest("second") { Size = Small }));

        Assert.That((refused!.Kind, refused.IsLocalRefusal), Is.EqualTo((ImageGenerationErrorKind.RateLimited, true)));
        Assert.That(_keysSent, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_provider_error_carries_status_code_and_the_key_never_appears()
    {
        _mock.When(HttpMethod.Post, Render).Respond(HttpStatusCode.BadRequest, "application/json",
            """{"error":{"code":"bad_prompt","message":"prompt refused for key-one-0123456789"}}""");
        IImageGenerator images = Build(("ImageGeneration:Retry:MaxRetries", "0")).GetRequiredService<IImageGenerator>();

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => images.GenerateAsync(new ImageGenerationRequest("a forge") { Size = Small }));

        Assert.That((thrown!.Kind, thrown.StatusCode, thrown.ProviderErrorCode, thrown.Provider), Is.EqualTo((ImageGenerationErrorKind.InvalidRequest, 400, "bad_prompt", "forge")));
        Assert.That(thrown.ToString(), Does.Not.Contain("key-one-0123456789"));
    }

    private void Respond(params HttpStatusCode[] statuses)
    {
        int calls = 0;
        _mock.When(HttpMethod.Post, Render).Respond(request =>
        {
            int call = Interlocked.Increment(ref calls);
            lock (_keysSent)
            {
                _keysSent.Add(request.Headers.Authorization?.Parameter);
            }

            HttpStatusCode status = call <= statuses.Length ? statuses[call - 1] : HttpStatusCode.OK;
            HttpResponseMessage response = new(status)
            {
                Content = new StringContent(status == HttpStatusCode.OK
                    ? $$"""{"id":"job-{{call}}","png_base64":"{{Png1x1}}"}"""
                    : $$$"""{"error":{"code":"{{{(int)status}}}","message":"try later"}}""", System.Text.Encoding.UTF8, "application/json"),
            };
            if (status == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(60));
            }

            return Task.FromResult(response);
        });
    }

    private ServiceProvider Build(params (string Key, string? Value)[] settings)
    {
        Dictionary<string, string?> values = new()
        {
            ["ImageGeneration:UseEnvironmentVariables"] = "false",
            ["ImageGeneration:DefaultProvider"] = "forge",
            ["ImageGeneration:Providers:forge:Type"] = PixelForgeImageGenerator.TypeName,
            ["ImageGeneration:Providers:forge:BaseUrl"] = "https://forge.test/v1",
            ["ImageGeneration:Providers:forge:ApiKeys:0"] = "key-one-0123456789",
            ["ImageGeneration:Providers:forge:ApiKeys:1"] = "key-two-0123456789",
            ["ImageGeneration:Retry:BaseDelay"] = "00:00:00",
        };
        foreach ((string key, string? value) in settings)
        {
            values[key] = value;
        }

        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

        // The one registration line a provider outside the SDK needs.
        services.AddImageGeneration().AddProviderType(PixelForgeImageGenerator.TypeName, context => new PixelForgeImageGenerator(context));

        services.AddHttpClient(ImageGenerationHttpClientNames.ForProvider("forge")).ConfigurePrimaryHttpMessageHandler(() => _mock);
        _services = services.BuildServiceProvider();
        return _services;
    }
}
