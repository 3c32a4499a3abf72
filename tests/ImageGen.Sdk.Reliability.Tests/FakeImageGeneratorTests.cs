using System.Buffers.Binary;
using ImageGen.Sdk.Testing;

namespace ImageGen.Sdk.Reliability.Tests;

/// <summary>The Testing package's scripted generator answers in script order, then by default, and logs every call.</summary>
[Order(1)]
public sealed class FakeImageGeneratorTests
{
    [Test]
    public async Task Scripted_outcomes_come_in_order_then_the_default_answers()
    {
        FakeImageGenerator images = new FakeImageGenerator("acme")
            .ThenFail(ImageGenerationErrorKind.RateLimited, statusCode: 429, retryAfter: TimeSpan.FromSeconds(2))
            .ThenThrow(new InvalidOperationException("boom"));

        ImageGenerationException limited = Assert.ThrowsAsync<ImageGenerationException>(() => images.GenerateAsync(new ImageGenerationRequest("one")))!;
        Assert.ThrowsAsync<InvalidOperationException>(async () => await images.GenerateAsync(new ImageGenerationRequest("two")).ConfigureAwait(false));
        ImageGenerationResult result = await images.GenerateAsync(new ImageGenerationRequest("three") { Size = new ImageSize(48, 32), Count = 2 });

        Assert.That(limited.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(limited.StatusCode, Is.EqualTo(429));
        Assert.That(limited.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(limited.Provider, Is.EqualTo("acme"));
        Assert.That(result.Images, Has.Count.EqualTo(2));
        byte[] png = result.Images[0].Data.ToArray();
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), Is.EqualTo(48), "a real PNG of the requested width");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), Is.EqualTo(32), "and height");
        Assert.That(images.Calls.Select(c => c.Request.Prompt), Is.EqualTo(new[] { "one", "two", "three" }));
        Assert.That(images.Remaining, Is.Zero);
    }

    [Test]
    public void A_hanging_call_ends_when_the_caller_cancels()
    {
        using CancellationTokenSource cts = new();
        FakeImageGenerator images = new FakeImageGenerator().ThenHang();

        Task<ImageGenerationResult> call = images.GenerateAsync(new ImageGenerationRequest("never"), cts.Token);
        Assert.That(call.IsCompleted, Is.False);
        cts.Cancel();

        Assert.CatchAsync<OperationCanceledException>(async () => await call);
    }

    [Test]
    public void It_describes_itself_as_a_provider()
    {
        FakeImageGenerator images = new("acme", "acme-1");

        Assert.That(images.GetService<ImageGeneratorMetadata>()?.ProviderName, Is.EqualTo("acme"));
        Assert.That(images.GetService<ImageGeneratorMetadata>()?.DefaultModel, Is.EqualTo("acme-1"));
        Assert.That(images.GetService(typeof(FakeImageGenerator)), Is.SameAs(images));
        Assert.That(images.GetService(typeof(FakeImageGenerator), "key"), Is.Null);
    }
}
