using ImageGen.Sdk.Reliability.Tests.TestSupport;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Reliability.Tests;

/// <summary>Issue #10 defect 2, end to end: calls that succeed after retries never open the only provider's circuit.</summary>
[Order(1)]
public sealed class BreakerTests
{
    [Test]
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

    // Fails today: the fifth call's 503 opens the circuit and its retry is refused as Unavailable (issue #10 defect 2).
    [Test]
    public async Task After_seven_failures_in_twelve_attempts_the_only_provider_still_serves_the_next_call()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        await using ServiceProvider services = DefaultPipeline.Build(server);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        // Five calls, twelve attempts, seven failures: above the default 50% over 10 attempts, so a breaker that judges
        // attempts opens, though every call succeeded.
        foreach (FakeFault[] faults in new[]
        {
            new[] { FakeFault.RateLimited(retryAfterMs: TimeSpan.FromMilliseconds(50)) },
            [FakeFault.RateLimited(retryAfterMs: TimeSpan.FromMilliseconds(50))],
            [FakeFault.Status(500), FakeFault.Status(503)],
            [FakeFault.ConnectionReset(), FakeFault.TruncatedBody()],
            [FakeFault.Status(503)],
        })
        {
            foreach (FakeFault fault in faults)
            {
                server.EnqueueFault(fault);
            }

            await generator.GenerateAsync(DefaultPipeline.Request($"recovers from {faults[0].Name}"));
        }

        Assert.That(server.ImageRequestCount, Is.EqualTo(12));
        ImageGenerationResult next = await generator.GenerateAsync(DefaultPipeline.Request("the provider is healthy"));
        Assert.That(next.Images, Has.Count.EqualTo(1), "the healthy provider is called, not refused as Unavailable");
    }
}
