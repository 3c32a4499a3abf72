using BenchmarkDotNet.Attributes;
using ImageGen.Sdk;
using ImageGen.Sdk.Caching;
using ImageGen.Sdk.Providers;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Benchmarks;

/// <summary>
/// Cache hits through the whole default stack built by <c>AddImageGeneration()</c> (validation → cache → ...), key
/// hashing included. Targets: a memory hit ≤ 1 µs median and ≤ 512 B for a 200-character prompt; a file-system hit
/// of a 1.5 MB image ≤ 1.5 × <see cref="File.ReadAllBytes(string)"/> of the same file.
/// </summary>
/// <remarks>Run: dotnet run -c Release --project benchmarks/ImageGen.Sdk.Benchmarks -- --filter '*CacheBenchmarks*' --job short</remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CacheBenchmarks
{
    private const int FileImageBytes = 1536 * 1024;

    private readonly ImageGenerationRequest _request = new((
        "A watercolour painting of a lighthouse on a rocky coast at dusk, warm light spilling from the lantern room, "
        + "gulls circling overhead, waves breaking on the rocks, soft pastel sky, loose brush strokes.").PadRight(200, '.')[..200]);

    private readonly ImageGenerationRequest _fileRequest = new("a 1.5 MB image served from the file-system cache");

    private readonly byte[] _canonicalSized = new byte[256];

    // More distinct cached requests than the key memo has slots, cycled, so most hits hash in full: the hit cost of a
    // workload whose repeats are not recent.
    private ImageGenerationRequest[] _manyRequests = null!;
    private int _next;

    private readonly ImageCacheKeyMemo _keyMemo = new();

    private ServiceProvider _memoryServices = null!;
    private ServiceProvider _fileServices = null!;
    private IImageGenerator _memoryStack = null!;
    private IImageGenerator _fileStack = null!;
    private string _directory = null!;
    private string _blobPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (_request.Prompt.Length != 200)
        {
            throw new InvalidOperationException($"The benchmark prompt must be 200 characters; it is {_request.Prompt.Length}.");
        }

        _memoryServices = Build(_ => { }, imageBytes: 64 * 1024);
        _memoryStack = _memoryServices.GetRequiredService<IImageGenerator>();
        ImageGenerationResult first = _memoryStack.GenerateAsync(_request).GetAwaiter().GetResult();
        Check(first, fromCache: false);
        Check(_memoryStack.GenerateAsync(_request).GetAwaiter().GetResult(), fromCache: true);
        _manyRequests = Enumerable.Range(0, 4 * ImageCacheKeyMemo.SlotCount)
            .Select(i => new ImageGenerationRequest((i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + _request.Prompt)[..200]))
            .ToArray();
        foreach (ImageGenerationRequest request in _manyRequests)
        {
            Check(_memoryStack.GenerateAsync(request).GetAwaiter().GetResult(), fromCache: false);
        }

        _directory = Path.Combine(Path.GetTempPath(), "imagegen-bench-" + Guid.NewGuid().ToString("N"));
        _fileServices = Build(
            o =>
            {
                o.Cache.Backend = ImageCacheBackend.FileSystem;
                o.Cache.Directory = _directory;
            },
            imageBytes: FileImageBytes);
        _fileStack = _fileServices.GetRequiredService<IImageGenerator>();
        Check(_fileStack.GenerateAsync(_fileRequest).GetAwaiter().GetResult(), fromCache: false);
        Check(_fileStack.GenerateAsync(_fileRequest).GetAwaiter().GetResult(), fromCache: true);
        _blobPath = Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories).Single();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memoryServices.Dispose();
        _fileServices.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "Memory hit, default stack, 200-char prompt")]
    public ImageGenerationResult MemoryHit() => _memoryStack.GenerateAsync(_request).GetAwaiter().GetResult();

    [Benchmark(Description = "Memory hit, default stack, 2048 distinct cached prompts cycled (memo mostly misses)")]
    public ImageGenerationResult MemoryHitManyPrompts()
    {
        ImageGenerationRequest request = _manyRequests[_next];
        _next = (_next + 1) % _manyRequests.Length;
        return _memoryStack.GenerateAsync(request).GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Key only: canonical form + SHA-256")]
    public ImageCacheKey KeyOnly() => ImageCacheKeyBuilder.Compute(_request, "bench", "bench-model");

    [Benchmark(Description = "Key of a repeated request (canonical form + the cache's memo, as on a hit)")]
    public ImageCacheKey KeyRemembered() => ImageCacheKeyBuilder.Compute(_request, "bench", "bench-model", null, _keyMemo);

    [Benchmark(Description = "SHA-256 of 256 bytes alone (the cost the memo saves on a hit)")]
    public int Sha256Only()
    {
        Span<byte> hash = stackalloc byte[32];
        return System.Security.Cryptography.SHA256.HashData(_canonicalSized, hash);
    }

    [Benchmark(Description = "File-system hit, 1.5 MB image, default stack")]
    public ImageGenerationResult FileSystemHit() => _fileStack.GenerateAsync(_fileRequest).GetAwaiter().GetResult();

    [Benchmark(Description = "File.ReadAllBytes of the same 1.5 MB blob (baseline)")]
    public byte[] ReadAllBytesBaseline() => File.ReadAllBytes(_blobPath);

    private static void Check(ImageGenerationResult result, bool fromCache)
    {
        if (result.FromCache != fromCache)
        {
            throw new InvalidOperationException($"Expected FromCache = {fromCache}.");
        }
    }

    private static ServiceProvider Build(Action<ImageGenerationOptions> configure, int imageBytes)
    {
        ServiceCollection services = new();
        services.AddImageGeneration(o =>
        {
            o.UseEnvironmentVariables = false;
            o.Providers["bench"] = new ImageProviderOptions { Type = BenchProviderFactory.Type };
            configure(o);
        }).AddProviderFactory<BenchProviderFactory>();
        services.AddSingleton(new BenchImage(imageBytes));
        return services.BuildServiceProvider();
    }

    /// <summary>The size of the fixed image the bench provider returns.</summary>
    private sealed record BenchImage(int Bytes);

    /// <summary>A provider type that answers every call with one fixed in-memory image (no network).</summary>
    private sealed class BenchProviderFactory : IImageProviderFactory
    {
        public const string Type = "Bench";

        public string ProviderType => Type;

        public bool RequiresApiKey => false;

        public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
        {
        }

        public ImageProviderDescriptor Describe(string name, ImageProviderOptions options) => new(name, Type, "bench-model");

        public IImageGenerator Create(ImageProviderContext context)
        {
            byte[] bytes = new byte[context.Services.GetRequiredService<BenchImage>().Bytes];
            new Random(42).NextBytes(bytes);
            return new FixedImageGenerator(bytes);
        }
    }

    private sealed class FixedImageGenerator(byte[] bytes) : IImageGenerator
    {
        public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
            => Task.FromResult(new ImageGenerationResult([new GeneratedImage(bytes, ImageMediaTypes.Png)], "bench", "bench-model") { EstimatedCostUsd = 0.04m });
    }
}
