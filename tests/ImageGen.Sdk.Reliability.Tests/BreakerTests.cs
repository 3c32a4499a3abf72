using ImageGen.Sdk.Reliability.Tests.TestSupport;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Reliability.Tests;

/// <summary>Issue #10 defect 2, end to end: calls that succeed after retries never open the only provider's circuit.</summary>
[Order(1)]
public sealed class BreakerTests
{
    [Test]
    [Ignore("needs issue #10 defect 2 fix")]
    public async Task Recovered_failures_do_not_turn_the_only_provider_into_refusals()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        await using ServiceProvider services = DefaultPipeline.Build(server);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        // Four calls, ten attempts: each failure is followed by a success.
        FakeFault[][] calls =
        [
            [FakeFault.RateLimited(retryAfterMs: TimeSpan.FromMilliseconds(50))],
            [FakeFault.RateLimited(retryAfterMs: TimeSpan.FromMilliseconds(50))],
            [FakeFault.Status(500), FakeFault.Status(503)],
            [FakeFault.ConnectionReset(), FakeFault.TruncatedBody()],
        ];
        foreach (FakeFault[] faults in calls)
        {
            foreach (FakeFault fault in faults)
            {
                server.EnqueueFault(fault);
            }

            ImageGenerationResult recovered = await generator.GenerateAsync(DefaultPipeline.Request($"recovers from {faults.Length}"));
            Assert.That(recovered.Attempts, Is.EqualTo(faults.Length + 1));
        }

        Assert.That(server.ImageRequestCount, Is.EqualTo(10));
        ImageGenerationResult next = await generator.GenerateAsync(DefaultPipeline.Request("the provider is healthy"));
        Assert.That(next.Images, Has.Count.EqualTo(1), "the healthy provider is called, not refused as Unavailable");
        Assert.That(server.ImageRequestCount, Is.EqualTo(11));

        // A cancellation during the next back-off is a cancellation, not Unavailable.
        server.EnqueueFault(FakeFault.Status(503));
        using CancellationTokenSource cts = new();
        Task<ImageGenerationResult> call = generator.GenerateAsync(DefaultPipeline.Request("cancelled in its back-off"), cts.Token);
        while (server.ImageRequestCount < 12)
        {
            await Task.Delay(10);
        }

        await Task.Delay(200);
        await cts.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await call);
    }
}
