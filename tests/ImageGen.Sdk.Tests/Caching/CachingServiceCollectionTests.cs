using ImageGen.Sdk.Caching;
using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.Caching;

public class CachingServiceCollectionTests
{
    [Test]
    public async Task AddImageGeneration_caches_in_memory_by_default()
    {
        using ServiceProvider services = Build(_ => { });
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        ImageGenerationResult second = await generator.GenerateAsync(new ImageGenerationRequest("fox"));

        Assert.That(second.FromCache, Is.True);
        Assert.That(CountingFactory.Fake(services).CallCount, Is.EqualTo(1));
        Assert.That(services.GetRequiredService<IImageCacheStore>(), Is.InstanceOf<MemoryImageCacheStore>());
        Assert.That(services.GetRequiredService<IImageCache>().GetStatistics().Hits, Is.EqualTo(1), "IImageCache reports on the cache the stack serves from");
        Assert.That(services.GetRequiredService<ImageCache>().GetStatistics().Hits, Is.EqualTo(1));
    }

    [Test]
    public async Task The_cache_sits_outside_custom_layers_inner_side_so_a_hit_skips_everything_below()
    {
        int below = 0;
        using ServiceProvider services = Build(_ => { }, builder => builder.Use(inner => new CountingLayer(inner, () => below++)));
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));

        // Custom layers sit outside the cache (they see hits); the provider pipeline below sees one call.
        Assert.That(below, Is.EqualTo(2));
        Assert.That(CountingFactory.Fake(services).CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_hit_spends_no_rate_limit_permit()
    {
        // One call a minute and no queue: a second call that reached the limiter would be refused.
        ManualTimeProvider time = new();
        using ServiceProvider services = Build(
            o => o.Providers["test"].RateLimit = new RateLimitOptions { RequestsPerMinute = 1, QueueLimit = 0 },
            configureServices: s => s.AddSingleton<TimeProvider>(time));
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        for (int i = 0; i < 5; i++)
        {
            Assert.That((await generator.GenerateAsync(new ImageGenerationRequest("fox"))).FromCache, Is.True);
        }

        ImageGenerationException? refused = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("cat")));
        Assert.That(refused?.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited), "the limiter is live: a miss is refused");
        Assert.That(CountingFactory.Fake(services).CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Backend_None_leaves_the_cache_out()
    {
        using ServiceProvider services = Build(o => o.Cache.Backend = ImageCacheBackend.None);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        ImageGenerationResult second = await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(second.FromCache, Is.False);
        Assert.That(CountingFactory.Fake(services).CallCount, Is.EqualTo(2));
        Assert.That(() => services.GetRequiredService<IImageCache>().WarmAsync([new ImageGenerationRequest("x")]), Throws.InvalidOperationException);
    }

    [Test]
    public async Task Backend_FileSystem_uses_the_configured_directory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "imagegen-cache-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using ServiceProvider services = Build(o =>
            {
                o.Cache.Backend = ImageCacheBackend.FileSystem;
                o.Cache.Directory = directory;
            });
            await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("fox"));
            Assert.That(services.GetRequiredService<IImageCacheStore>(), Is.InstanceOf<FileSystemImageCacheStore>());
            Assert.That(Directory.GetFiles(directory, "*.blob", SearchOption.AllDirectories), Has.Length.EqualTo(1));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Test]
    public async Task Backend_Distributed_uses_the_registered_distributed_cache()
    {
        using ServiceProvider services = Build(o => o.Cache.Backend = ImageCacheBackend.Distributed, configureServices: s => s.AddDistributedMemoryCache());
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That((await generator.GenerateAsync(new ImageGenerationRequest("fox"))).FromCache, Is.True);
        Assert.That(services.GetRequiredService<IImageCacheStore>(), Is.InstanceOf<DistributedImageCacheStore>());
    }

    [Test]
    public void Backend_Distributed_without_a_distributed_cache_fails_at_start_up_naming_the_key()
    {
        using ServiceProvider services = Build(o => o.Cache.Backend = ImageCacheBackend.Distributed);
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value)!;
        Assert.That(ex.Message, Does.Contain("ImageGeneration:Cache:Backend").And.Contain("IDistributedCache"));
    }

    [TestCase("Ttl", "00:00:00", "ImageGeneration:Cache:Ttl")]
    [TestCase("MaxStaleness", "-1.00:00:00", "ImageGeneration:Cache:MaxStaleness")]
    [TestCase("MaxSizeBytes", "0", "ImageGeneration:Cache:MaxSizeBytes")]
    public void Invalid_options_fail_at_start_up_naming_the_key(string name, string value, string expected)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:test:Type"] = "Counting",
            [$"Cache:{name}"] = value,
        }).Build();
        ServiceCollection collection = new();
        collection.AddImageGeneration(configuration).AddProviderFactory<CountingFactory>();
        using ServiceProvider services = collection.BuildServiceProvider();
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value)!;
        Assert.That(ex.Message, Does.Contain(expected));
    }

    [Test]
    public void Options_bind_from_configuration()
    {
        string directory = Path.Combine(Path.GetTempPath(), "imagegen-bind-test");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:test:Type"] = "Counting",
            ["Cache:Backend"] = "FileSystem",
            ["Cache:Ttl"] = "00:30:00",
            ["Cache:MaxSizeBytes"] = "1048576",
            ["Cache:Directory"] = directory,
            ["Cache:ServeStaleOnError"] = "false",
            ["Cache:MaxStaleness"] = "2.00:00:00",
            ["Cache:CacheMultipleImages"] = "true",
            ["Cache:KeyPrefix"] = "tenant-a",
        }).Build();
        ServiceCollection collection = new();
        collection.AddImageGeneration(configuration).AddProviderFactory<CountingFactory>();
        using ServiceProvider services = collection.BuildServiceProvider();
        ImageCacheOptions cache = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value.Cache;
        Assert.That(
            (cache.Backend, cache.Ttl, cache.MaxSizeBytes, cache.Directory, cache.ServeStaleOnError, cache.MaxStaleness, cache.CacheMultipleImages, cache.KeyPrefix),
            Is.EqualTo((ImageCacheBackend.FileSystem, TimeSpan.FromMinutes(30), (long?)1048576, directory, false, TimeSpan.FromDays(2), true, "tenant-a")));
    }

    [Test]
    public void Defaults_match_the_documentation()
    {
        ImageCacheOptions options = new();
        Assert.That(options.Backend, Is.EqualTo(ImageCacheBackend.Memory));
        Assert.That(options.Ttl, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.GetEffectiveMaxSizeBytes(), Is.EqualTo(256L * 1024 * 1024));
        Assert.That(new ImageCacheOptions { Backend = ImageCacheBackend.FileSystem }.GetEffectiveMaxSizeBytes(), Is.EqualTo(2L * 1024 * 1024 * 1024));
        Assert.That(options.ServeStaleOnError, Is.True);
        Assert.That(options.MaxStaleness, Is.EqualTo(TimeSpan.FromDays(7)));
        Assert.That(options.CacheMultipleImages, Is.False);
        Assert.That(options.KeyPrefix, Is.Null);
        Assert.That(options.StoreFailureLogInterval, Is.EqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(options.GetEffectiveDirectory(), Is.EqualTo(ImageCacheOptions.DefaultDirectory));
    }

    // The documented paths, written out per OS for a home directory the test sets ("~" below), rather than computed the
    // way the library computes them. The home must exist: .NET reports no user profile for a missing one. HOME and
    // XDG_CACHE_HOME are process-wide, hence NonParallelizable.
    [TestCase(null, "~/.cache/imagegen", "~/Library/Caches/imagegen")]
    [TestCase("/var/cache/app", "/var/cache/app/imagegen", "/var/cache/app/imagegen")]
    [TestCase("relative/cache", "~/.cache/imagegen", "~/Library/Caches/imagegen")]
    [TestCase("  ", "~/.cache/imagegen", "~/Library/Caches/imagegen")]
    [NonParallelizable]
    public void The_default_cache_directory_is_the_documented_one_per_OS(string? xdgCacheHome, string linux, string macOS)
    {
        if (OperatingSystem.IsWindows())
        {
            // %LOCALAPPDATA%\imagegen\cache whatever XDG_CACHE_HOME says.
            string expected = Environment.GetEnvironmentVariable("LOCALAPPDATA") + @"\imagegen\cache";
            using (new EnvironmentVariables(("XDG_CACHE_HOME", xdgCacheHome)))
            {
                Assert.That(ImageCacheOptions.DefaultDirectory, Is.EqualTo(expected));
            }

            return;
        }

        string home = Path.Combine(Path.GetTempPath(), "imagegen-tests", Guid.NewGuid().ToString("N"), "tester");
        System.IO.Directory.CreateDirectory(home);
        try
        {
            string expected = (OperatingSystem.IsMacOS() ? macOS : linux).Replace("~", home, StringComparison.Ordinal);
            using (new EnvironmentVariables(("HOME", home), ("XDG_CACHE_HOME", xdgCacheHome)))
            {
                Assert.That(ImageCacheOptions.DefaultDirectory, Is.EqualTo(expected));
                Assert.That(new ImageCacheOptions().GetEffectiveDirectory(), Is.EqualTo(expected));
            }
        }
        finally
        {
            System.IO.Directory.Delete(Path.GetDirectoryName(home)!, recursive: true);
        }
    }

    /// <summary>Sets environment variables for a test and restores them.</summary>
    private sealed class EnvironmentVariables : IDisposable
    {
        private readonly (string Name, string? Value)[] _saved;

        public EnvironmentVariables(params (string Name, string? Value)[] values)
        {
            _saved = [.. values.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name)))];
            foreach ((string name, string? value) in values)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach ((string name, string? value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    internal static ServiceProvider Build(
        Action<ImageGenerationOptions> configure, Action<ImageGenerationBuilder>? configureBuilder = null, Action<IServiceCollection>? configureServices = null)
    {
        ServiceCollection collection = new();
        configureServices?.Invoke(collection);
        ImageGenerationBuilder builder = collection.AddImageGeneration(o =>
        {
            o.UseEnvironmentVariables = false;
            o.Providers["test"] = new ImageProviderOptions { Type = "Counting" };
            configure(o);
        }).AddProviderFactory<CountingFactory>();
        configureBuilder?.Invoke(builder);
        return collection.BuildServiceProvider();
    }

    /// <summary>A provider type whose clients are one shared <see cref="FakeImageGenerator"/> per container.</summary>
    internal sealed class CountingFactory : IImageProviderFactory
    {
        // Stands in for OpenAI, so the shipped OpenAI prices apply (budgets and cost estimates).
        public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => ImageGen.Sdk.Providers.OpenAI.OpenAIImagePrices.Models;

        public FakeImageGenerator Generator { get; } = new("test", "counting-model");

        public string ProviderType => "Counting";

        public bool RequiresApiKey => false;

        public static FakeImageGenerator Fake(IServiceProvider services)
            => services.GetServices<IImageProviderFactory>().OfType<CountingFactory>().Single().Generator;

        public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
        {
        }

        public ImageProviderDescriptor Describe(string name, ImageProviderOptions options) => new(name, ProviderType, "counting-model");

        public IImageGenerator Create(ImageProviderContext context) => Generator;
    }
}
