using ImageGen.Sdk.Tests.Providers.OpenAI;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.Resilience;

/// <summary>
/// The whole default stack against a real Kestrel server on loopback: a connection the server resets and a body it
/// cuts off mid-stream are transient failures the retry layer repeats, and the caller gets exactly the bytes the
/// server finally sent.
/// </summary>
[NonParallelizable]
public class LoopbackRetryTests
{
    private LoopbackOpenAIServer _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await LoopbackOpenAIServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task A_reset_connection_and_a_truncated_body_are_retried_until_the_image_arrives()
    {
        byte[] png = TestImages.Png(64, 48);
        string json = TestImages.ImagesResponseJson(png);
        int calls = 0;
        _server.Generations = async context =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 1:
                    // A real reset: the server drops the connection before answering.
                    context.Abort();
                    break;
                case 2:
                    // Headers and half the body, flushed so the client is already decoding, then the connection drops.
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = json.Length;
                    await context.Response.WriteAsync(json[..(json.Length / 2)]);
                    await context.Response.Body.FlushAsync();
                    context.Abort();
                    break;
                default:
                    await LoopbackOpenAIServer.WriteJsonAsync(context, 200, json, ("x-request-id", "req_third"));
                    break;
            }
        };
        await using ServiceProvider services = BuildServices(maxRetries: 3);

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>()
            .GenerateAsync(new ImageGenerationRequest("a red backpack") { Cache = CacheMode.Bypass });

        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(3));
            Assert.That(result.Attempts, Is.EqualTo(3));
            Assert.That(result.Images[0].Data.ToArray(), Is.EqualTo(png));
            Assert.That(result.ProviderRequestId, Is.EqualTo("req_third"));
        });
    }

    [Test]
    public async Task Without_retries_a_truncated_body_surfaces_as_a_transient_failure()
    {
        string json = TestImages.ImagesResponseJson(TestImages.Png(64, 48));
        int calls = 0;
        _server.Generations = async context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = json.Length;
            await context.Response.WriteAsync(json[..(json.Length / 3)]);
            await context.Response.Body.FlushAsync();
            context.Abort();
        };
        await using ServiceProvider services = BuildServices(maxRetries: 0);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => services.GetRequiredService<IImageGenerator>()
            .GenerateAsync(new ImageGenerationRequest("a red backpack") { Cache = CacheMode.Bypass }))!;

        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(1));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(ex.Kind, Is.AnyOf(ImageGenerationErrorKind.Network, ImageGenerationErrorKind.InvalidResponse));
            Assert.That(ex.Provider, Is.EqualTo("openai"));
        });
    }

    private ServiceProvider BuildServices(int maxRetries)
    {
        ServiceCollection services = new();
        services.AddImageGeneration(options =>
        {
            options.Providers["openai"] = new ImageProviderOptions
            {
                Type = ImageProviderTypes.OpenAI,
                ApiKey = "sk-loopback-test-key",
                BaseUrl = new Uri(_server.Address, "/v1").ToString(),
            };
            options.Retry.MaxRetries = maxRetries;

            // No backoff wait: the test is about what is retried, not when.
            options.Retry.BaseDelay = TimeSpan.Zero;
            options.Retry.UseJitter = false;
        });
        return services.BuildServiceProvider();
    }
}
