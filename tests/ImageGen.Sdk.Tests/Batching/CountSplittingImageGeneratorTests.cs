using System.Collections.Concurrent;
using ImageGen.Sdk.Batching;

namespace ImageGen.Sdk.Tests.Batching;

public class CountSplittingImageGeneratorTests
{
    private static readonly ImageGeneratorMetadata Provider = new("p", "Test", "one-per-call",
    [
        new ImageModelCapabilities("one-per-call") { MaxImagesPerCall = 1 },
        new ImageModelCapabilities("four-per-call") { MaxImagesPerCall = 4 },
    ]);

    [Test]
    public async Task Count_three_with_one_per_call_makes_three_parallel_calls_of_one_and_merges_them()
    {
        FakeImageGenerator inner = new("p", "one-per-call");
        ConcurrentQueue<TaskCompletionSource<ImageGenerationResult>> pending = new();
        int part = 0;
        inner.Handler = (request, _) =>
        {
            int index = Interlocked.Increment(ref part);
            TaskCompletionSource<ImageGenerationResult> tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
            ImageGenerationResult result = new(FakeImageGenerator.CreateResult(request with { Prompt = $"part{index}" }, "p", "one-per-call"))
            {
                EstimatedCostUsd = 0.04m * index,
                Usage = new ImageUsage { InputTokens = 10, InputTextTokens = 6, InputImageTokens = 4, OutputTokens = 100 * index, TotalTokens = 10 + (100 * index) },
                Attempts = index == 2 ? 2 : 1,
                Elapsed = TimeSpan.FromSeconds(index),
                Warnings = ["shared warning", $"warning {index}"],
            };
            pending.Enqueue(tcs);
            return tcs.Task.ContinueWith(_ => result, TaskScheduler.Default);
        };
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 3 });

        // All three parts are in flight before any completes: the calls run in parallel, not one after another.
        Assert.That(inner.CallCount, Is.EqualTo(3));
        Assert.That(call.IsCompleted, Is.False);
        foreach (TaskCompletionSource<ImageGenerationResult> tcs in pending)
        {
            tcs.SetResult(null!);
        }

        ImageGenerationResult merged = await call;
        Assert.Multiple(() =>
        {
            Assert.That(inner.Requests.Select(r => r.Count), Is.EqualTo(new[] { 1, 1, 1 }));
            Assert.That(merged.Images, Has.Count.EqualTo(3));
            Assert.That(merged.EstimatedCostUsd, Is.EqualTo(0.24m));
            Assert.That(merged.Usage!.InputTokens, Is.EqualTo(30));
            Assert.That(merged.Usage.InputTextTokens, Is.EqualTo(18), "the input breakdown survives the merge");
            Assert.That(merged.Usage.InputImageTokens, Is.EqualTo(12));
            Assert.That(merged.Usage.OutputTokens, Is.EqualTo(600));
            Assert.That(merged.Usage.TotalTokens, Is.EqualTo(630));
            Assert.That(merged.Attempts, Is.EqualTo(2), "the most any part needed: part 2 was retried once");
            Assert.That(merged.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(3)), "parts overlap, so the call took as long as the slowest");
            Assert.That(merged.Warnings, Is.EquivalentTo(new[] { "shared warning", "warning 1", "warning 2", "warning 3" }));
            Assert.That((merged.Provider, merged.Model), Is.EqualTo(("p", "one-per-call")));
        });
    }

    [Test]
    public async Task Counts_are_split_into_chunks_of_the_per_call_limit()
    {
        FakeImageGenerator inner = new("p");
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "four-per-call", Count = 10 });

        Assert.That(inner.Requests.Select(r => r.Count).Order(), Is.EqualTo(new[] { 2, 4, 4 }));
        Assert.That(result.Images, Has.Count.EqualTo(10));
    }

    [Test]
    public async Task Seeded_parts_get_consecutive_seeds_so_they_do_not_repeat_one_image()
    {
        FakeImageGenerator inner = new("p");
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);

        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "four-per-call", Count = 10, Seed = 100 });
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "four-per-call", Count = 5 });

        Assert.That(inner.Requests.Take(3).Select(r => (r.Seed, r.Count)).OrderBy(p => p.Seed), Is.EqualTo(new (long?, int)[] { (100, 4), (104, 4), (108, 2) }));
        Assert.That(inner.Requests.Skip(3).Select(r => r.Seed), Has.All.Null, "unseeded requests stay unseeded");
    }

    [Test]
    public async Task Counts_within_the_limit_pass_through_unchanged()
    {
        FakeImageGenerator inner = new("p");
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);
        ImageGenerationRequest request = new("x") { Model = "four-per-call", Count = 4 };

        await generator.GenerateAsync(request);

        Assert.That(inner.Requests.Single(), Is.SameAs(request));
    }

    [Test]
    public async Task Unknown_models_are_not_split()
    {
        FakeImageGenerator inner = new("p");
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);

        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "unknown", Count = 10 });

        Assert.That(inner.Requests.Single().Count, Is.EqualTo(10));
    }

    [Test]
    public async Task Usage_stays_null_when_no_part_reports_it()
    {
        FakeImageGenerator inner = new("p");
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 2 });

        Assert.That(result.Usage, Is.Null);
        Assert.That(result.EstimatedCostUsd, Is.Null);
    }

    [Test]
    public void A_failing_part_fails_the_call_and_cancels_its_siblings()
    {
        FakeImageGenerator inner = new("p");
        ConcurrentBag<CancellationToken> siblingTokens = [];
        ImageGenerationException failure = new(ImageGenerationErrorKind.ContentFiltered, "blocked") { Provider = "p" };
        inner.Then(WaitForCancellation).ThenThrow(failure).Then(WaitForCancellation);
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);
        using CancellationTokenSource caller = new();

        // The time-out only guards against a hang if siblings were never cancelled; a passing run never waits on it.
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(
            () => generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 3 }, caller.Token).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(siblingTokens, Is.Not.Empty);
        Assert.That(siblingTokens, Has.All.Matches<CancellationToken>(t => t.IsCancellationRequested));
        Assert.That(caller.IsCancellationRequested, Is.False, "the caller's own token is left alone");

        Task<ImageGenerationResult> WaitForCancellation(ImageGenerationRequest request, CancellationToken token)
        {
            siblingTokens.Add(token);
            TaskCompletionSource<ImageGenerationResult> tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
            token.Register(() => tcs.TrySetCanceled(token));
            return tcs.Task;
        }
    }

    [Test]
    public void Caller_cancellation_reaches_every_part()
    {
        FakeImageGenerator inner = new("p");
        ConcurrentBag<CancellationToken> tokens = [];
        inner.Handler = (_, token) =>
        {
            tokens.Add(token);
            TaskCompletionSource<ImageGenerationResult> tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
            token.Register(() => tcs.TrySetCanceled(token));
            return tcs.Task;
        };
        inner.Metadata = Provider;
        CountSplittingImageGenerator generator = new(inner);
        using CancellationTokenSource caller = new();

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 3 }, caller.Token);
        caller.Cancel();

        Assert.That(async () => await call.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(tokens, Has.Count.EqualTo(3));
        Assert.That(tokens, Has.All.Matches<CancellationToken>(t => t.IsCancellationRequested));
    }

    [Test]
    public async Task UseCountSplitting_adds_the_layer_to_a_builder()
    {
        FakeImageGenerator inner = new("p");
        inner.Metadata = Provider;
        IImageGenerator generator = new ImageGeneratorBuilder(inner).UseCountSplitting().Build();

        await generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 2 });

        Assert.That(inner.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task A_split_call_that_was_never_retried_reports_one_attempt()
    {
        FakeImageGenerator inner = new("p") { Metadata = Provider };
        IImageGenerator generator = new ImageGeneratorBuilder(inner).UseCountSplitting().UseRetry(new RetryOptions(), "p").Build();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 2 });

        Assert.That(inner.CallCount, Is.EqualTo(2), "two parts of one image each");
        Assert.That(result.Attempts, Is.EqualTo(1), "each part went out once; attempts count retries of a call, not parts");
    }

    [Test]
    public void A_failed_split_call_reports_the_most_attempts_any_part_made()
    {
        FakeImageGenerator inner = new("p") { Metadata = Provider };
        ImageGenerationException failure = new(ImageGenerationErrorKind.ContentFiltered, "blocked") { Provider = "p", Attempts = 1 };
        inner.Then((request, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(request, "p")) { Attempts = 3 }))
            .Then(async (_, _) =>
            {
                await Task.Yield();
                throw failure;
            });
        CountSplittingImageGenerator generator = new(inner);

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(
            () => generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 2 }).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(thrown!.Attempts, Is.EqualTo(3), "the part that succeeded needed three");
    }

    [Test]
    public async Task Without_metadata_below_nothing_is_split()
    {
        FakeImageGenerator inner = new("p");
        CountSplittingImageGenerator generator = new(inner);

        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "one-per-call", Count = 3 });

        Assert.That(inner.Requests.Single().Count, Is.EqualTo(3));
    }
}
