using ImageGen.Sdk.Reliability.Tests.TestSupport;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Reliability.Tests;

/// <summary>
/// No API key in any log entry (Trace and up) or exception message of the whole suite, which runs first (the other
/// fixtures are ordered before this one), and none sent to a result-URL host.
/// </summary>
[Order(2)]
public sealed class SecretsTests
{
    [Test]
    public async Task A_result_URL_is_downloaded_without_credentials()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        server.AnswerWithUrls = true;
        await using ServiceProvider services = DefaultPipeline.Build(server, keys: DefaultPipeline.Keys);

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(DefaultPipeline.Request("served by URL") with { Count = 2 });

        FakeProviderRequest[] downloads = [.. server.Requests.Where(r => r.Method == "GET")];
        Assert.That(result.Images, Has.Count.EqualTo(2));
        Assert.That(result.Images.Select(i => i.SourceUri?.Host), Has.All.EqualTo(server.RootUrl.Host));
        Assert.That(downloads, Has.Length.EqualTo(2), "each image was fetched from its URL");
        Assert.That(downloads.Where(d => d.HasCredentials), Is.Empty, "no download carries an Authorization or api-key header");
        Assert.That(server.Requests.Where(r => r.Method == "POST").All(r => r.HasCredentials), Is.True, "the image call itself is authenticated");
    }

    [Test]
    public void No_log_entry_or_exception_message_of_the_suite_contains_an_API_key()
    {
        string[] entries = [.. SuiteLog.Instance.Entries];
        string[] messages = [.. SuiteLog.Instance.ExceptionMessages];
        TestContext.Progress.WriteLine($"reliability secrets: {entries.Length} log entries and {messages.Length} exception messages checked");
        Assert.That(entries, Is.Not.Empty, "the suite's stacks logged through the capture");
        Assert.That(messages, Is.Not.Empty, "the suite's failures were collected");
        foreach (string key in DefaultPipeline.Keys)
        {
            Assert.That(entries.Where(e => e.Contains(key, StringComparison.Ordinal)), Is.Empty, $"a log entry contains {ApiKeyFingerprint.Create(key)}");
            Assert.That(messages.Where(e => e.Contains(key, StringComparison.Ordinal)), Is.Empty, $"an exception message contains {ApiKeyFingerprint.Create(key)}");
        }
    }
}
