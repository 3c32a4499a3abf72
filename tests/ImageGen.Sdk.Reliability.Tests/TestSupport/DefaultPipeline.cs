using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Reliability.Tests.TestSupport;

/// <summary>The default stack (<c>AddImageGeneration()</c>) with one OpenAI provider pointed at a fake server.</summary>
public static class DefaultPipeline
{
    /// <summary>Two keys, long enough that their fingerprints hide most of them.</summary>
    public static readonly string[] Keys = ["sk-reliability-key-one-7f3a9c", "sk-reliability-key-two-b81e44"];

    public static ServiceProvider Build(FakeImageProviderServer server, Action<ImageProviderOptions>? provider = null, Action<ImageGenerationOptions>? options = null, params string[] keys)
    {
        ServiceCollection services = new();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(SuiteLog.Instance));
        services.AddImageGeneration(o =>
        {
            o.UseEnvironmentVariables = false;
            ImageProviderOptions openai = new() { Type = "OpenAI", BaseUrl = server.BaseUrl.ToString() };
            foreach (string key in keys.Length == 0 ? Keys[..1] : keys)
            {
                openai.ApiKeys.Add(key);
            }

            provider?.Invoke(openai);
            o.Providers["openai"] = openai;
            options?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>A request that is never served from the cache, so each one reaches the server.</summary>
    public static ImageGenerationRequest Request(string prompt) => new(prompt) { Cache = CacheMode.Bypass };
}
