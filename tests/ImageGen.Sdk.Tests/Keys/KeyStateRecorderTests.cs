using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>A single key's retirement is written to the key store; a store that fails or hangs must not hide the 401.</summary>
public sealed class KeyStateRecorderTests
{
    private const string Key = "sk-test-0123456789-c3d4";
    private static readonly string Fingerprint = ApiKeyFingerprint.Create(Key);
    private static readonly string FingerprintA = ApiKeyFingerprint.Create("sk-test-aaaa-0001");

    [Test]
    public void A_store_that_throws_does_not_replace_the_providers_401_and_the_key_stays_retired()
    {
        FailingStore store = new(_ => ValueTask.FromException(new InvalidOperationException("store down")));
        FakeImageGenerator fake = new("openai");
        fake.ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        CapturingLoggerProvider logs = new();
        ILogger logger = logs.CreateLogger("keys");
        KeyRotatingImageGenerator generator = new([new ApiKeyClient(Fingerprint, fake)], "openai", store: store, logger: logger);

        ImageGenerationException first = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("a lighthouse")))!;
        ImageGenerationException second = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("again")))!;

        Assert.Multiple(() =>
        {
            Assert.That(first.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
            Assert.That(first.StatusCode, Is.EqualTo(401), "the provider's failure, not the store's");
            Assert.That(second.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
            Assert.That(fake.CallCount, Is.EqualTo(1), "this instance never sends the retired key again");
        });
        Assert.That(store.Writes, Is.EqualTo(1));
        CapturingLoggerProvider.LogEntry warning = logs.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.That(warning.Message, Does.Contain(Fingerprint).And.Contain("openai").And.Contain("failed to record"));
        Assert.That(warning.Exception, Does.Contain("store down"));
        Assert.That(logs.Entries.SelectMany(e => e.Texts), Has.None.Contains(Key));
    }

    [Test]
    public async Task A_hung_store_does_not_hold_a_cancelled_caller()
    {
        TaskCompletionSource hung = new(TaskCreationOptions.RunContinuationsAsynchronously);
        FailingStore store = new(_ => new ValueTask(hung.Task));
        FakeImageGenerator fake = new("openai");
        fake.ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        CapturingLoggerProvider logs = new();
        ILogger logger = logs.CreateLogger("keys");
        KeyRotatingImageGenerator generator = new([new ApiKeyClient(Fingerprint, fake)], "openai", store: store, logger: logger);
        using CancellationTokenSource cts = new();

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"), cts.Token);
        await TestWait.UntilAsync(() => store.Writes == 1, "the retirement write");
        Assert.That(call.IsCompleted, Is.False, "the write is awaited while the caller waits");
        await cts.CancelAsync();
        await TestWait.UntilAsync(() => call.IsCompleted, "the cancelled call to return");

        ImageGenerationException thrown = Assert.ThrowsAsync<ImageGenerationException>(() => call)!;
        Assert.That(thrown.StatusCode, Is.EqualTo(401));

        // The abandoned write still ends; its failure is logged, never thrown at anyone.
        hung.SetException(new InvalidOperationException("store down late"));
        await TestWait.UntilAsync(() => logs.Entries.Any(e => e.Level == LogLevel.Warning), "the late store failure to be logged");
        CapturingLoggerProvider.LogEntry warning = logs.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.That(warning.Message, Does.Contain(Fingerprint));
        Assert.That(warning.Exception, Does.Contain("store down late"));
    }

    [Test]
    public async Task With_several_keys_a_store_that_throws_while_cooling_a_key_does_not_stop_the_move_to_the_next_key()
    {
        FailingStore store = new(_ => ValueTask.FromException(new InvalidOperationException("store down")));
        FakeImageGenerator a = new("openai");
        FakeImageGenerator b = new("openai");
        a.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(5), status: 429);
        CapturingLoggerProvider logs = new();
        KeyRotatingImageGenerator generator = FailoverPair(a, b, store, logs);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"));

        Assert.That(result.Images, Has.Count.EqualTo(1));
        Assert.That((a.CallCount, b.CallCount), Is.EqualTo((1, 1)), "the same attempt moved on to key B");
        CapturingLoggerProvider.LogEntry warning = logs.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.That(warning.Message, Does.Contain(FingerprintA).And.Contain("failed to record"));
        Assert.That(warning.Exception, Does.Contain("store down"));
    }

    [Test]
    public async Task A_store_that_throws_while_cooling_an_exhausted_key_does_not_lose_the_image()
    {
        FailingStore store = new(_ => ValueTask.FromException(new InvalidOperationException("store down")));
        FakeImageGenerator a = new("openai");
        FakeImageGenerator b = new("openai");
        ImageGenerationRequest request = new("a lighthouse");
        a.Then((r, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(r))
        {
            RateLimit = RateLimiting.RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(4)),
        }));
        CapturingLoggerProvider logs = new();
        KeyRotatingImageGenerator generator = FailoverPair(a, b, store, logs);

        ImageGenerationResult result = await generator.GenerateAsync(request);

        Assert.That(result.Images, Has.Count.EqualTo(1), "the paid image reaches the caller");
        Assert.That(store.Writes, Is.EqualTo(1));
        Assert.That(logs.Entries.Single(e => e.Level == LogLevel.Warning).Exception, Does.Contain("store down"));
    }

    /// <summary>Two keys in failover order (A first) over <paramref name="store"/>, logging into <paramref name="logs"/>.</summary>
    private static KeyRotatingImageGenerator FailoverPair(FakeImageGenerator a, FakeImageGenerator b, IKeyStateStore store, CapturingLoggerProvider logs) => new(
        [new ApiKeyClient(FingerprintA, a), new ApiKeyClient(ApiKeyFingerprint.Create("sk-test-bbbb-0002"), b)],
        "openai",
        new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover },
        store: store,
        logger: logs.CreateLogger("keys"));

    /// <summary>A key store whose reads say "active" and whose writes do what the test says (fail, hang).</summary>
    private sealed class FailingStore(Func<ApiKeyStatus, ValueTask> write) : IKeyStateStore
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public ValueTask<ApiKeyStatus> GetAsync(string provider, string fingerprint, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(ApiKeyStatus.Active);

        public ValueTask SetAsync(string provider, string fingerprint, ApiKeyStatus status, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _writes);
            return write(status);
        }

        public ValueTask<long> IncrementDailyCountAsync(string provider, string fingerprint, DateOnly day, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(1L);
    }
}
