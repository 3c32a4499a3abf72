using ImageGen.Sdk;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Samples.Testing.Tests;

/// <summary>
/// The app's failure paths against FakeImageProviderServer: the whole SDK stack (validation, retry, breaker, ...)
/// runs as in production, but the "provider" is a loopback server whose answers the test scripts.
/// </summary>
[TestFixture]
public sealed class CoverServiceTests
{
    private FakeImageProviderServer _server = null!;
    private ServiceProvider _services = null!;
    private CoverService _covers = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await FakeImageProviderServer.StartAsync();
        ServiceCollection services = new();
        services.AddLogging();
        services.AddImageGeneration(o =>
        {
            // Production names the provider "openai" too; only the URL and the key differ.
            o.Providers["openai"] = new ImageProviderOptions { Type = ImageProviderTypes.OpenAI, ApiKey = "sk-test", BaseUrl = _server.BaseUrl.ToString() };
            o.DefaultProvider = "openai";
            // Keep the real clock fast: back off in milliseconds, not seconds.
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
            o.Retry.UseJitter = false;
        });
        services.AddSingleton<CoverService>();
        _services = services.BuildServiceProvider();
        _covers = _services.GetRequiredService<CoverService>();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task A_429_is_retried_after_the_providers_wait_and_the_user_gets_the_cover()
    {
        _server.EnqueueFault(FakeFault.RateLimited(retryAfterMs: TimeSpan.FromMilliseconds(50)));

        Cover cover = await _covers.DrawAsync("The Quiet Harbour");

        Assert.That(cover.Status, Is.EqualTo(CoverStatus.Ready));
        Assert.That(cover.Attempts, Is.EqualTo(2));
        Assert.That(cover.Image!.Width, Is.EqualTo(1024));
        Assert.That(cover.Image.Height, Is.EqualTo(1536));
        Assert.That(_server.ImageRequestCount, Is.EqualTo(2));
    }

    [Test]
    public async Task A_content_refusal_is_shown_to_the_user_and_not_retried()
    {
        // What OpenAI's GPT image models answer when moderation blocks a prompt.
        _server.EnqueueFault(FakeFault.Status(
            400,
            """{"error":{"message":"Your request was rejected by the safety system.","type":"image_generation_user_error","code":"moderation_blocked"}}"""));

        Cover cover = await _covers.DrawAsync("Something the provider refuses");

        Assert.That(cover.Status, Is.EqualTo(CoverStatus.Refused));
        Assert.That(cover.Message, Does.Contain("another wording"));
        Assert.That(_server.ImageRequestCount, Is.EqualTo(1), "a refusal is final");
    }

    [Test]
    public async Task An_outage_ends_as_unavailable_after_the_sdks_retries()
    {
        _server.FaultSelector = _ => FakeFault.Status(503, """{"error":{"message":"overloaded","type":"server_error","code":null}}""");

        Cover cover = await _covers.DrawAsync("The Quiet Harbour");

        Assert.That(cover.Status, Is.EqualTo(CoverStatus.Unavailable));
        Assert.That(_server.ImageRequestCount, Is.EqualTo(RetryOptions.DefaultMaxRetries + 1), "one call and the default retries");
        Assert.That(cover.Attempts, Is.EqualTo(_server.ImageRequestCount));
    }

    [Test]
    public void A_blank_title_is_a_caller_mistake_that_never_reaches_the_provider()
    {
        Assert.ThrowsAsync<ArgumentException>(() => _covers.DrawAsync(" "));
        Assert.That(_server.ImageRequestCount, Is.Zero);
    }
}
