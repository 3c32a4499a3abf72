namespace ImageGen.Sdk.Tests.Caching;

public class CoalescingPerUserTests
{
    [Test]
    public async Task A_user_never_receives_another_users_refusal_from_a_shared_call()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, _) =>
        {
            await gate.Task;

            // What a per-user quota layer below the cache does: it refuses alice, not bob.
            return request.User == "alice"
                ? throw new ImageGenerationException(ImageGenerationErrorKind.QuotaExceeded, "alice is over her quota")
                : FakeImageGenerator.CreateResult(request);
        };

        Task<ImageGenerationResult> alice = h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { User = "alice" });
        Task<ImageGenerationResult> bob = h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { User = "bob" });
        gate.SetResult();

        Assert.That(async () => await alice, Throws.TypeOf<ImageGenerationException>());
        ImageGenerationResult bobs = await bob;
        Assert.That(bobs.Images, Has.Count.EqualTo(1));
        Assert.That(h.Fake.Requests.Select(r => r.User), Is.EquivalentTo(new[] { "alice", "bob" }));
    }

    [Test]
    public async Task The_same_user_still_shares_one_call_and_the_stored_entry_serves_every_user()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, _) =>
        {
            await gate.Task;
            return FakeImageGenerator.CreateResult(request);
        };

        Task<ImageGenerationResult> first = h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { User = "alice" });
        Task<ImageGenerationResult> second = h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { User = "alice" });
        gate.SetResult();
        await Task.WhenAll(first, second);
        Assert.That(h.Fake.CallCount, Is.EqualTo(1));

        ImageGenerationResult bobs = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { User = "bob" });
        Assert.That(bobs.FromCache, Is.True, "the cache key leaves the user out on purpose");
    }

    [Test]
    public async Task A_coalesced_waiter_gets_its_own_copy_with_no_attempts_and_the_saved_cost()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, _) =>
        {
            await gate.Task;
            return new ImageGenerationResult(FakeImageGenerator.CreateResult(request)) { Attempts = 3, EstimatedCostUsd = 0.04m };
        };

        Task<ImageGenerationResult> leader = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Task<ImageGenerationResult> waiter = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        gate.SetResult();
        ImageGenerationResult led = await leader;
        ImageGenerationResult joined = await waiter;

        Assert.That(led.Attempts, Is.EqualTo(3));
        Assert.That(joined, Is.Not.SameAs(led));
        Assert.That(joined.Attempts, Is.Zero, "summing attempts or costs per result must count the one call once");
        Assert.That(joined.FromCache, Is.False);
        Assert.That(joined.EstimatedCostUsd, Is.EqualTo(0.04m), "like a hit, a waiter reports what joining saved");
        Assert.That(joined.Images[0].Data.ToArray(), Is.EqualTo(led.Images[0].Data.ToArray()));
        Assert.That(h.Cache.GetStatistics().EstimatedCostSavedUsd, Is.EqualTo(0.04m));
    }

    [Test]
    public async Task The_last_waiter_leaving_gets_its_cancellation_even_when_an_inner_cancellation_callback_throws()
    {
        CacheHarness h = new();
        TaskCompletionSource<CancellationToken> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, token) =>
        {
            token.Register(() => throw new InvalidOperationException("a badly behaved callback below the cache"));
            started.SetResult(token);
            await Task.Delay(Timeout.Infinite, token);
            return FakeImageGenerator.CreateResult(request);
        };

        using CancellationTokenSource leaver = new();
        Task<ImageGenerationResult> only = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"), leaver.Token);
        CancellationToken upstream = await started.Task;
        leaver.Cancel();

        Assert.That(async () => await only, Throws.InstanceOf<OperationCanceledException>());
        await TestWait.UntilAsync(() => upstream.IsCancellationRequested, "the abandoned call to be cancelled");
    }
}
