namespace ImageGen.Sdk.Tests.Caching;

public class CoalescingTests
{
    [Test]
    public async Task A_thousand_concurrent_identical_requests_make_exactly_one_upstream_call()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, _) =>
        {
            await gate.Task;
            return FakeImageGenerator.CreateResult(request);
        };

        Task<ImageGenerationResult>[] calls = Enumerable.Range(0, 1000)
            .Select(_ => Task.Run(() => h.Generator.GenerateAsync(new ImageGenerationRequest("a lighthouse at dusk"))))
            .ToArray();
        await TestWait.UntilAsync(() => h.Cache.GetStatistics().CoalescedWaits == 999);
        gate.SetResult();
        ImageGenerationResult[] results = await Task.WhenAll(calls);

        Assert.That(h.Fake.CallCount, Is.EqualTo(1));
        Assert.That(results, Has.All.Matches<ImageGenerationResult>(r => r.Images.Count == 1));
        Assert.That(h.Cache.GetStatistics().CoalescedWaits, Is.EqualTo(999));
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("a lighthouse at dusk"))).FromCache, Is.True);
    }

    [Test]
    public async Task A_waiter_that_cancels_stops_waiting_and_the_others_are_still_served()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken upstreamToken = default;
        h.Fake.Handler = async (request, token) =>
        {
            upstreamToken = token;
            await gate.Task;
            token.ThrowIfCancellationRequested();
            return FakeImageGenerator.CreateResult(request);
        };

        using CancellationTokenSource leaver = new();
        Task<ImageGenerationResult> first = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"), leaver.Token);
        Task<ImageGenerationResult> second = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Task<ImageGenerationResult> third = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));

        leaver.Cancel();
        Assert.That(async () => await first, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(upstreamToken.IsCancellationRequested, Is.False, "the shared call must outlive one waiter");

        gate.SetResult();
        Assert.That((await second).Images, Has.Count.EqualTo(1));
        Assert.That((await third).Images, Has.Count.EqualTo(1));
        Assert.That(h.Fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task The_upstream_call_is_cancelled_only_when_every_waiter_has_gone()
    {
        CacheHarness h = new();
        TaskCompletionSource<CancellationToken> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Then(async (request, token) =>
        {
            started.SetResult(token);
            await Task.Delay(Timeout.Infinite, token);
            return FakeImageGenerator.CreateResult(request);
        });

        using CancellationTokenSource a = new();
        using CancellationTokenSource b = new();
        Task<ImageGenerationResult> first = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"), a.Token);
        Task<ImageGenerationResult> second = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"), b.Token);
        CancellationToken upstream = await started.Task;

        a.Cancel();
        Assert.That(async () => await first, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(upstream.IsCancellationRequested, Is.False);

        b.Cancel();
        Assert.That(async () => await second, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(upstream.IsCancellationRequested, Is.True);

        // The abandoned call is gone: the next identical request starts a fresh one.
        ImageGenerationResult next = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(next.FromCache, Is.False);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task A_failure_reaches_every_current_waiter_and_is_not_cached()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Then(async (_, _) =>
        {
            await gate.Task;
            throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "boom");
        });

        Task<ImageGenerationResult>[] waiters = Enumerable.Range(0, 5).Select(_ => h.Generator.GenerateAsync(new ImageGenerationRequest("fox"))).ToArray();
        gate.SetResult();
        foreach (Task<ImageGenerationResult> waiter in waiters)
        {
            ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(async () => await waiter)!;
            Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ServerError));
        }

        Assert.That(h.Fake.CallCount, Is.EqualTo(1));
        ImageGenerationResult next = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(next.FromCache, Is.False);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Different_requests_are_not_coalesced()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, _) =>
        {
            await gate.Task;
            return FakeImageGenerator.CreateResult(request);
        };

        Task<ImageGenerationResult> fox = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Task<ImageGenerationResult> owl = h.Generator.GenerateAsync(new ImageGenerationRequest("owl"));
        gate.SetResult();
        await Task.WhenAll(fox, owl);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
        Assert.That(h.Cache.GetStatistics().CoalescedWaits, Is.Zero);
    }
}
