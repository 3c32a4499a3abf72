using System.Collections.Concurrent;
using ImageGen.Sdk.Caching;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Caching;

/// <summary>Builds caching pipelines over a <see cref="FakeImageGenerator"/> on a manual clock.</summary>
internal sealed class CacheHarness
{
    public CacheHarness(ImageCacheOptions? options = null, IImageCacheStore? store = null, IImageProviderCatalog? catalog = null)
    {
        Options = options ?? new ImageCacheOptions();
        Store = store ?? new MemoryImageCacheStore(Options.GetEffectiveMaxSizeBytes(), Time);
        Cache = new ImageCache(Store, Options, Time, Logger);
        Generator = new CachingImageGenerator(Fake, Cache, catalog);
    }

    public ManualTimeProvider Time { get; } = new();

    public FakeImageGenerator Fake { get; } = new("fake", "fake-model");

    public ListLogger<ImageCache> Logger { get; } = new();

    public ImageCacheOptions Options { get; }

    public IImageCacheStore Store { get; }

    public ImageCache Cache { get; }

    public CachingImageGenerator Generator { get; }

    /// <summary>Makes the fake answer with distinct bytes per call (the call number is the last byte) and a cost.</summary>
    public void NumberEachCall(decimal cost = 0.04m)
    {
        int calls = 0;
        Fake.Handler = (request, _) =>
        {
            int n = Interlocked.Increment(ref calls);
            ImageGenerationResult result = FakeImageGenerator.CreateResult(request, Fake.Provider, Fake.Model);
            byte[] bytes = [.. result.Images[0].Data.ToArray(), (byte)n];
            return Task.FromResult(new ImageGenerationResult([new GeneratedImage(bytes, ImageMediaTypes.Png)], result.Provider, result.Model) { EstimatedCostUsd = cost });
        };
    }
}

/// <summary>Captures log entries.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, formatter(state, exception), exception));
}

/// <summary>A layer that runs an action on every call it passes on.</summary>
internal sealed class CountingLayer(IImageGenerator inner, Action onCall) : DelegatingImageGenerator(inner)
{
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        onCall();
        return base.GenerateAsync(request, cancellationToken);
    }
}
