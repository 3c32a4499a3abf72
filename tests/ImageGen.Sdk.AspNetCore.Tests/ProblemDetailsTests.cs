using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>Every mapping of AddImageGenerationProblemDetails, through the WebApi sample's POST /images.</summary>
[TestFixture]
public sealed class ProblemDetailsTests
{
    private const string Prompt = "a private prompt about Alice";
    private const string ProviderMessage = "Your request mentions 'a private prompt about Alice' (key sk-live-0123456789).";

    [TestCase(ImageGenerationErrorKind.ContentFiltered, 422)]
    [TestCase(ImageGenerationErrorKind.RateLimited, 429)]
    [TestCase(ImageGenerationErrorKind.QuotaExceeded, 429)]
    [TestCase(ImageGenerationErrorKind.BudgetExceeded, 429)]
    [TestCase(ImageGenerationErrorKind.Unavailable, 503)]
    [TestCase(ImageGenerationErrorKind.Timeout, 504)]
    [TestCase(ImageGenerationErrorKind.ServerError, 502)]
    [TestCase(ImageGenerationErrorKind.Authentication, 502)]
    [TestCase(ImageGenerationErrorKind.InvalidResponse, 502)]
    [TestCase(ImageGenerationErrorKind.Network, 502)]
    public async Task A_provider_failure_becomes_a_problem_with_its_status_and_details_but_no_prompt_or_key(ImageGenerationErrorKind kind, int status)
    {
        ImageGenerationException failure = new(kind, ProviderMessage)
        {
            Provider = "openai",
            StatusCode = 418,
            ProviderErrorCode = "some_code",
            ProviderRequestId = "req_abc123",
        };
        await using WebApiFactory factory = WithGenerator(new FakeImageGenerator().ThenThrow(failure));

        using HttpResponseMessage response = await PostAsync(factory);
        string body = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        using JsonDocument problem = JsonDocument.Parse(body);
        JsonElement root = problem.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("status").GetInt32(), Is.EqualTo(status));
            Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo(kind.ToString()));
            Assert.That(root.GetProperty("provider").GetString(), Is.EqualTo("openai"));
            Assert.That(root.GetProperty("providerStatusCode").GetInt32(), Is.EqualTo(418));
            Assert.That(root.GetProperty("providerErrorCode").GetString(), Is.EqualTo("some_code"));
            Assert.That(root.GetProperty("providerRequestId").GetString(), Is.EqualTo("req_abc123"));
            Assert.That(root.GetProperty("title").GetString(), Is.Not.Empty);
            Assert.That(body, Does.Not.Contain("Alice").And.Not.Contain("sk-live"));
            Assert.That(response.Headers.RetryAfter, Is.Null, "no wait was known");
        });
    }

    [TestCase(ImageGenerationErrorKind.RateLimited, 429)]
    [TestCase(ImageGenerationErrorKind.QuotaExceeded, 429)]
    [TestCase(ImageGenerationErrorKind.BudgetExceeded, 429)]
    [TestCase(ImageGenerationErrorKind.Unavailable, 503)]
    public async Task A_known_wait_is_sent_as_Retry_After_in_whole_seconds_rounded_up(ImageGenerationErrorKind kind, int status)
    {
        ImageGenerationException failure = new(kind, "slow down") { Provider = "openai", RetryAfter = TimeSpan.FromSeconds(6.2) };
        await using WebApiFactory factory = WithGenerator(new FakeImageGenerator().ThenThrow(failure));

        using HttpResponseMessage response = await PostAsync(factory);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That(problem.RootElement.GetProperty("retryAfterSeconds").GetInt64(), Is.EqualTo(7));
    }

    [Test]
    public async Task A_time_out_has_no_Retry_After_even_when_a_wait_is_known()
    {
        ImageGenerationException failure = new(ImageGenerationErrorKind.Timeout, "slow") { RetryAfter = TimeSpan.FromSeconds(3) };
        await using WebApiFactory factory = WithGenerator(new FakeImageGenerator().ThenThrow(failure));

        using HttpResponseMessage response = await PostAsync(factory);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
        Assert.That(response.Headers.RetryAfter, Is.Null);
    }

    [Test]
    public async Task A_caller_mistake_is_a_400_naming_the_parameter()
    {
        await using WebApiFactory factory = new();

        using HttpClient client = factory.CreateClient();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/images", new { prompt = "   " });
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.RootElement.GetProperty("parameter").GetString(), Is.EqualTo("request.Prompt"));
        Assert.That(problem.RootElement.GetProperty("detail").GetString(), Does.Contain("Prompt must not be empty"));
    }

    [Test]
    public async Task A_malformed_size_is_a_400()
    {
        await using WebApiFactory factory = new();

        using HttpClient client = factory.CreateClient();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/images", new { prompt = "a cat", size = "big" });
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.RootElement.GetProperty("parameter").GetString(), Is.EqualTo("Size"));
    }

    [Test]
    public async Task Other_exceptions_are_left_to_the_default_500_handler()
    {
        await using WebApiFactory factory = WithGenerator(new FakeImageGenerator().ThenThrow(new InvalidOperationException("boom with Alice")));

        using HttpResponseMessage response = await PostAsync(factory);
        string body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(body, Does.Not.Contain("Alice"));
    }

    [Test]
    public void Registering_twice_adds_one_handler()
    {
        ServiceCollection services = new();
        services.AddImageGenerationProblemDetails().AddImageGenerationProblemDetails();

        Assert.That(services.Count(d => d.ImplementationType == typeof(ImageGenerationExceptionHandler)), Is.EqualTo(1));
    }

    private static WebApiFactory WithGenerator(FakeImageGenerator generator)
        => new(services => services.AddSingleton<IImageGenerator>(generator));

    private static async Task<HttpResponseMessage> PostAsync(WebApiFactory factory)
    {
        using HttpClient client = factory.CreateClient();
        return await client.PostAsJsonAsync("/images", new { prompt = Prompt, size = "64x64" });
    }
}
