using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>
/// The whole stack against FakeImageProviderServer: what the provider answers on the wire reaches the client as the
/// matching problem, with the provider's error code and request id and without the prompt or the key.
/// </summary>
[TestFixture]
public sealed class ProviderFailureTests
{
    private const string Prompt = "a private prompt about Alice";
    private const string ApiKey = "sk-test-0123456789abcdef";

    [Test]
    public async Task A_provider_refusal_is_a_422_with_the_providers_error_code()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        server.EnqueueFault(FakeFault.Status(400, """{"error":{"message":"Your prompt 'a private prompt about Alice' was rejected","type":"image_generation_user_error","code":"moderation_blocked"}}""", ("x-request-id", "req_refused_1")));
        await using WebApiFactory factory = OnFakeServer(server);

        (HttpResponseMessage response, JsonElement problem, string body) = await PostAsync(factory);

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(422));
            Assert.That(problem.GetProperty("kind").GetString(), Is.EqualTo("ContentFiltered"));
            Assert.That(problem.GetProperty("provider").GetString(), Is.EqualTo("openai"));
            Assert.That(problem.GetProperty("providerErrorCode").GetString(), Is.EqualTo("moderation_blocked"));
            Assert.That(problem.GetProperty("providerRequestId").GetString(), Is.EqualTo("req_refused_1"));
            Assert.That(body, Does.Not.Contain("Alice").And.Not.Contain(ApiKey));
        });
        response.Dispose();
    }

    [Test]
    public async Task A_provider_429_with_retries_off_is_a_429_with_the_providers_Retry_After()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        server.EnqueueFault(FakeFault.RateLimited(retryAfter: TimeSpan.FromSeconds(9)));
        await using WebApiFactory factory = OnFakeServer(server);

        (HttpResponseMessage response, JsonElement problem, string body) = await PostAsync(factory);

        Assert.That((int)response.StatusCode, Is.EqualTo(429));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(9)));
        Assert.That(problem.GetProperty("kind").GetString(), Is.EqualTo("RateLimited"));
        Assert.That(body, Does.Not.Contain(ApiKey));
        response.Dispose();
    }

    [Test]
    public async Task A_provider_outage_is_a_502()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        server.EnqueueFault(FakeFault.Status(500, """{"error":{"message":"The server had an error","type":"server_error","code":null}}"""));
        await using WebApiFactory factory = OnFakeServer(server);

        (HttpResponseMessage response, JsonElement problem, _) = await PostAsync(factory);

        Assert.That((int)response.StatusCode, Is.EqualTo(502));
        Assert.That(problem.GetProperty("kind").GetString(), Is.EqualTo("ServerError"));
        Assert.That(problem.GetProperty("providerStatusCode").GetInt32(), Is.EqualTo(500));
        response.Dispose();
    }

    [Test]
    public async Task The_fake_server_answers_an_image_once_the_faults_are_used_up()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        await using WebApiFactory factory = OnFakeServer(server);

        using HttpClient client = factory.CreateClient();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/images", new { prompt = Prompt, size = "1024x1024" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("X-ImageGen-Provider"), Is.EqualTo(new[] { "openai" }));
        Assert.That(server.ImageRequestCount, Is.EqualTo(1));
    }

    private static WebApiFactory OnFakeServer(FakeImageProviderServer server) => new(services =>
        services.Configure<ImageGenerationOptions>(o =>
        {
            o.Providers["openai"] = new ImageProviderOptions { Type = ImageProviderTypes.OpenAI, ApiKey = ApiKey, BaseUrl = server.BaseUrl.ToString() };
            o.DefaultProvider = "openai";
            // One attempt per call, so each scripted fault is what the client sees.
            o.Retry.MaxRetries = 0;
        }));

    private static async Task<(HttpResponseMessage Response, JsonElement Problem, string Body)> PostAsync(WebApiFactory factory)
    {
        using HttpClient client = factory.CreateClient();
        HttpResponseMessage response = await client.PostAsJsonAsync("/images", new { prompt = Prompt, size = "1024x1024" });
        string body = await response.Content.ReadAsStringAsync();
        return (response, JsonDocument.Parse(body).RootElement.Clone(), body);
    }
}
