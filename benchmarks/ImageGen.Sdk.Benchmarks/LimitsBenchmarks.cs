using BenchmarkDotNet.Attributes;
using ImageGen.Sdk;
using ImageGen.Sdk.Keys;
using ImageGen.Sdk.RateLimiting;

namespace ImageGen.Sdk.Benchmarks;

/// <summary>
/// What the rate limiter and the key pool add to a call when nothing waits: a bare in-memory generator against the
/// same generator behind each layer and behind both. Target: ≤ 1 µs per call added.
/// </summary>
[MemoryDiagnoser]
public class LimitsBenchmarks
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse at dusk");
#pragma warning disable CA1859 // Calls go through IImageGenerator, as in an app, so interface dispatch is measured.
    private IImageGenerator _bare = null!;
    private IImageGenerator _rateLimited = null!;
    private IImageGenerator _keyPool = null!;
    private IImageGenerator _both = null!;
    private IImageGenerator _concurrencyOnly = null!;
    private IImageGenerator _perMinuteOnly = null!;
#pragma warning restore CA1859

    [GlobalSetup]
    public void Setup()
    {
        _bare = new InstantGenerator();

        // Generous limits so no call waits: every limit type is exercised (concurrency slot, per-minute permit held
        // by the timer, shared app-wide limiter) but none binds.
        RateLimitOptions limits = new() { MaxConcurrency = 10_000, RequestsPerMinute = 2_000_000_000, Burst = 20_000 };
        _rateLimited = new RateLimitingImageGenerator(new InstantGenerator(), "bench", RateLimiterFactory.Create(limits, TimeProvider.System), maxWait: TimeSpan.FromSeconds(1));

        _concurrencyOnly = new RateLimitingImageGenerator(new InstantGenerator(), "bench", RateLimiterFactory.Create(new RateLimitOptions { MaxConcurrency = 10_000 }, TimeProvider.System));
        _perMinuteOnly = new RateLimitingImageGenerator(new InstantGenerator(), "bench", RateLimiterFactory.Create(new RateLimitOptions { RequestsPerMinute = 2_000_000_000, Burst = 20_000 }, TimeProvider.System));

        _keyPool = new KeyRotatingImageGenerator(Keys(), "bench", new KeyRotationOptions(), new InMemoryKeyStateStore(), new KeyPoolMonitor(new InMemoryKeyStateStore()));

        IImageGenerator pool = new KeyRotatingImageGenerator(Keys(), "bench-both", new KeyRotationOptions(), new InMemoryKeyStateStore());
        _both = new RateLimitingImageGenerator(pool, "bench-both", RateLimiterFactory.Create(limits, TimeProvider.System), maxWait: TimeSpan.FromSeconds(1));
    }

    [Benchmark(Baseline = true)]
    public Task<ImageGenerationResult> Bare() => _bare.GenerateAsync(Request);

    [Benchmark]
    public Task<ImageGenerationResult> RateLimiter() => _rateLimited.GenerateAsync(Request);

    [Benchmark]
    public Task<ImageGenerationResult> ConcurrencyLimitOnly() => _concurrencyOnly.GenerateAsync(Request);

    [Benchmark]
    public Task<ImageGenerationResult> PerMinuteLimitOnly() => _perMinuteOnly.GenerateAsync(Request);

    [Benchmark]
    public Task<ImageGenerationResult> KeyPool() => _keyPool.GenerateAsync(Request);

    [Benchmark]
    public Task<ImageGenerationResult> RateLimiterAndKeyPool() => _both.GenerateAsync(Request);

    private static ApiKeyClient[] Keys() =>
    [
        new("sk-…0001", new InstantGenerator()),
        new("sk-…0002", new InstantGenerator()),
        new("sk-…0003", new InstantGenerator()),
    ];

    /// <summary>Answers at once with one shared result, so the benchmark measures the layers only.</summary>
    private sealed class InstantGenerator : IImageGenerator
    {
        public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        private static readonly Task<ImageGenerationResult> Result = Task.FromResult(new ImageGenerationResult(
            [new GeneratedImage(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, ImageMediaTypes.Png)], "bench", "bench-model"));

        public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => Result;
    }
}
