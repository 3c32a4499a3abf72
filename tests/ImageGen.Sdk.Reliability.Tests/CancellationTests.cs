using System.Diagnostics;
using ImageGen.Sdk.Reliability.Tests.TestSupport;
using ImageGen.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Reliability.Tests;

/// <summary>Cancelling a call that waits (a back-off, a permit, a resting key) returns within 100 ms and sends nothing more.</summary>
[Order(1)]
[NonParallelizable]
public sealed class CancellationTests
{
    private static readonly TimeSpan Promptly = TimeSpan.FromMilliseconds(100);

    [Test]
    public async Task During_a_retry_back_off()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        server.EnqueueFault(FakeFault.Status(503));
        await using ServiceProvider services = DefaultPipeline.Build(server);

        await AssertCancelsPromptlyAsync(services.GetRequiredService<IImageGenerator>(), server, DefaultPipeline.Request("back-off"), expectedAtServer: 1);
    }

    [Test]
    public async Task During_a_permit_wait()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        await using ServiceProvider services = DefaultPipeline.Build(server, p => p.RateLimit.MinInterval = TimeSpan.FromSeconds(10));
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(DefaultPipeline.Request("takes the permit"));

        await AssertCancelsPromptlyAsync(generator, server, DefaultPipeline.Request("waits 10 s for it"), expectedAtServer: 1);
    }

    [Test]
    public async Task During_a_key_wait()
    {
        await using FakeImageProviderServer server = await FakeImageProviderServer.StartAsync();
        foreach (string key in DefaultPipeline.Keys)
        {
            server.EnqueueFault(key, FakeFault.RateLimited(retryAfter: TimeSpan.FromSeconds(5)));
        }

        await using ServiceProvider services = DefaultPipeline.Build(server, keys: DefaultPipeline.Keys);

        // Both keys answer 429 with 5 s to wait, within MaxKeyWait: the call waits for the first to return.
        await AssertCancelsPromptlyAsync(services.GetRequiredService<IImageGenerator>(), server, DefaultPipeline.Request("both keys rest"), expectedAtServer: 2);
    }

    private static async Task AssertCancelsPromptlyAsync(IImageGenerator generator, FakeImageProviderServer server, ImageGenerationRequest request, int expectedAtServer)
    {
        using CancellationTokenSource cts = new();
        Task<ImageGenerationResult> call = generator.GenerateAsync(request, cts.Token);
        Stopwatch waiting = Stopwatch.StartNew();
        while (server.ImageRequestCount < expectedAtServer && !call.IsCompleted && waiting.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        // Well into the wait: each one lasts at least a second here.
        await Task.Delay(200);
        Assert.That(call.IsCompleted, Is.False, "the call is waiting");
        Assert.That(server.ImageRequestCount, Is.EqualTo(expectedAtServer));

        Stopwatch cancelled = Stopwatch.StartNew();
        await cts.CancelAsync();
        Exception? ex = null;
        try
        {
            await call.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e)
        {
            ex = SuiteLog.Observe(e);
        }

        TimeSpan took = cancelled.Elapsed;
        Assert.That(ex, Is.InstanceOf<OperationCanceledException>(), ex?.ToString());
        Assert.That(took, Is.LessThan(Promptly), "returned within 100 ms of the cancellation");

        // A while longer (past the end of the back-off): a call that kept going after its cancellation would send by now.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.That(server.ImageRequestCount, Is.EqualTo(expectedAtServer), "nothing is sent after cancellation");
    }
}
