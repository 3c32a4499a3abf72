using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using ImageGen.Sdk.Tests.DependencyInjection;
using ImageGen.Sdk.Tests.Providers.OpenAI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>
/// The real OpenAI client, behind the whole stack <c>AddImageGeneration()</c> builds, answered with a 401 whose body
/// echoes the key (as OpenAI does: "Incorrect API key provided: sk-…"): the key appears nowhere outside the request.
/// </summary>
public sealed class KeyLeakTests
{
    private const string KeyA = "sk-proj-Zq81vXr0kLm2Np4Tt6Yw8Bc0De2Fg4Hj6A1b2";
    private const string KeyB = "sk-proj-Mn57aS9dF1gH3jK5lP7oI9uY1tR3eW5qC3d4";

    // Unescaped, so the fingerprint's ellipsis reads as written.
    private static readonly JsonSerializerOptions MonitorJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [TestCase(1)]
    [TestCase(2)]
    public async Task A_401_that_echoes_the_key_leaves_only_its_fingerprint_in_logs_exceptions_and_the_monitor(int keyCount)
    {
        using OpenAIMock mock = new();
        mock.Enqueue(HttpStatusCode.Unauthorized, InvalidKeyBody(KeyA), ("x-request-id", "req_401"));
        CapturingLoggerProvider logs = new();
        await using ServiceProvider services = Build(mock, logs, keyCount == 1 ? [KeyA] : [KeyA, KeyB]);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        List<Exception> failures = [];

        if (keyCount == 1)
        {
            failures.Add(Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("a lighthouse")))!);
            failures.Add(Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("a harbour")))!);
            Assert.That(failures.Cast<ImageGenerationException>().Select(e => e.Kind), Is.All.EqualTo(ImageGenerationErrorKind.Authentication));
            Assert.That(mock.Requests, Has.Count.EqualTo(1), "the retired key is not sent again");
        }
        else
        {
            // Failover: key A first, rejected; the same attempt moves to key B, which succeeds.
            ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"));
            Assert.That(result.Images, Has.Count.EqualTo(1));
            Assert.That(mock.RequestHeaders.Select(h => h["Authorization"]), Is.EqualTo(new[] { "Bearer " + KeyA, "Bearer " + KeyB }));
        }

        IReadOnlyList<ApiKeyStatistics> monitor = await services.GetRequiredService<IKeyPoolMonitor>().GetKeysAsync();
        string monitorJson = JsonSerializer.Serialize(monitor, MonitorJson);
        List<string> outputs = [monitorJson, .. logs.Entries.SelectMany(e => e.Texts)];
        foreach (Exception failure in failures)
        {
            outputs.Add(failure.Message);
            outputs.Add(failure.ToString());
            outputs.AddRange(failure.Data.Values.Cast<object?>().Select(v => v?.ToString() ?? string.Empty));
        }

        Assert.That(logs.Entries, Is.Not.Empty);
        Assert.That(logs.Entries.SelectMany(e => e.State), Is.Not.Empty, "the structured values are checked too");
        Assert.That(monitor[0].State, Is.EqualTo(ApiKeyState.Retired));
        Assert.That(monitorJson, Does.Contain(ApiKeyFingerprint.Create(KeyA)));
        Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message), Has.Some.Contains("sk-…A1b2"), "the retirement names the fingerprint");
        foreach (string secret in (string[])[KeyA, KeyB, KeyA[3..^4], KeyB[3..^4]])
        {
            Assert.That(outputs, Has.None.Contains(secret), $"leaked {ApiKeyFingerprint.Create(secret)}");
        }

        if (keyCount == 1)
        {
            Assert.That(logs.Entries.Where(e => e.Exception is not null), Is.Not.Empty, "the exception texts are checked too");
            Assert.That(failures[0].Message, Does.Contain("Incorrect API key provided"), "the provider's message is kept, redacted");
        }
    }

    private static string InvalidKeyBody(string key)
        => $$$"""{"error":{"message":"Incorrect API key provided: {{{key}}}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";

    private static ServiceProvider Build(OpenAIMock mock, CapturingLoggerProvider logs, string[] keys)
    {
        Dictionary<string, string?> settings = new()
        {
            ["ImageGeneration:Providers:openai:Type"] = "OpenAI",
            ["ImageGeneration:Providers:openai:BaseUrl"] = "https://api.openai.test/v1",
            ["ImageGeneration:Providers:openai:KeyRotation"] = "Failover",
            ["ImageGeneration:Cache:Backend"] = "None",
        };
        for (int i = 0; i < keys.Length; i++)
        {
            settings[$"ImageGeneration:Providers:openai:ApiKeys:{i}"] = keys[i];
        }

        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(mock.Time);
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddImageGeneration();
        services.UseFakeEnvironment();
        services.AddHttpClient("ImageGen.openai").ConfigurePrimaryHttpMessageHandler(() => mock.Handler);
        return services.BuildServiceProvider();
    }
}
