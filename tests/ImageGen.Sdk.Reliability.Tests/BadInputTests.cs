using System.Buffers.Binary;
using ImageGen.Sdk.Reliability.Tests.TestSupport;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Reliability.Tests;

/// <summary>Caller mistakes fail before any network call: ArgumentException (or cancellation) and nothing at the server.</summary>
[Order(1)]
public sealed class BadInputTests
{
    private FakeImageProviderServer _server = null!;
    private ServiceProvider _services = null!;
    private IImageGenerator _generator = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await FakeImageProviderServer.StartAsync();
        _services = DefaultPipeline.Build(_server);
        _generator = _services.GetRequiredService<IImageGenerator>();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static IEnumerable<TestCaseData> Mistakes()
    {
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => new ImageGenerationRequest(string.Empty))).SetName("an empty prompt");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => new ImageGenerationRequest("   "))).SetName("a blank prompt");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Count = 0 })).SetName("count 0");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Count = 11 })).SetName("count 11");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Size = new ImageSize(256, 256) })).SetName("gpt-image-1 at 256x256");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Model = "dall-e-3", Size = new ImageSize(512, 512) })).SetName("dall-e-3 at 512x512");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Model = "dall-e-2", Size = new ImageSize(1792, 1024) })).SetName("dall-e-2 at 1792x1024");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Quality = ImageQuality.Hd })).SetName("gpt-image-1 in hd quality");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Model = "dall-e-3", Quality = ImageQuality.Low })).SetName("dall-e-3 in low quality");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Model = "dall-e-2", Quality = ImageQuality.High })).SetName("dall-e-2 in high quality");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => DefaultPipeline.Request("p") with { Provider = "no-such-provider" })).SetName("an unknown provider");
        yield return new TestCaseData((Func<ImageGenerationRequest>)(() => null!)).SetName("a null request");
    }

    [TestCaseSource(nameof(Mistakes))]
    public void A_caller_mistake_is_an_ArgumentException_and_sends_nothing(Func<ImageGenerationRequest> mistake)
    {
        int before = _server.ImageRequestCount;

        ArgumentException ex = Assert.CatchAsync<ArgumentException>(async () => await _generator.GenerateAsync(mistake()))!;

        SuiteLog.Observe(ex);
        Assert.That(_server.ImageRequestCount, Is.EqualTo(before), "no request reached the server");
    }

    [Test]
    public void A_cancelled_token_is_an_OperationCanceledException_and_sends_nothing()
    {
        using CancellationTokenSource cts = new();
        cts.Cancel();
        int before = _server.ImageRequestCount;

        Assert.CatchAsync<OperationCanceledException>(async () => await _generator.GenerateAsync(DefaultPipeline.Request("cancelled"), cts.Token));

        Assert.That(_server.ImageRequestCount, Is.EqualTo(before), "no request reached the server");
    }

    [Test]
    public async Task A_valid_request_does_reach_the_server()
    {
        // The positive control for the matrix above: the same stack sends a correct request.
        int before = _server.ImageRequestCount;
        ImageGenerationResult result = await _generator.GenerateAsync(DefaultPipeline.Request("a valid one") with { Size = new ImageSize(1024, 1536) });
        Assert.That(_server.ImageRequestCount, Is.EqualTo(before + 1));
        byte[] png = result.Images[0].Data.ToArray();
        Assert.That(png[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "a PNG");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), Is.EqualTo(1024), "IHDR width");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), Is.EqualTo(1536), "IHDR height");
    }
}
