using ImageGen.Sdk.DependencyInjection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Caching;

/// <summary>Registers the cache services <c>AddImageGeneration()</c> composes: the selected store, <see cref="ImageCache"/> and <see cref="IImageCache"/> (managing it through the stack).</summary>
internal static class ImageCacheServiceRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<IImageCacheStore>(CreateStore);
        services.TryAddSingleton(sp => new ImageCache(
            sp.GetRequiredService<IImageCacheStore>(),
            sp.GetRequiredService<IOptions<ImageGenerationOptions>>().Value.Cache,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ImageCache>>()));

        // Managed through the stack the cache sits in: built after it, and the cache itself refers to no generator.
        services.TryAddSingleton<IImageCache>(sp => new ImageCacheManager(
            sp.GetRequiredService<ImageGenerationStack>().Generator, sp.GetRequiredService<ImageCache>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImageGenerationOptions>, ImageCacheServicesValidator>());
    }

    private static IImageCacheStore CreateStore(IServiceProvider services)
    {
        ImageCacheOptions options = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value.Cache;
        TimeProvider time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        return options.Backend switch
        {
            ImageCacheBackend.FileSystem => new FileSystemImageCacheStore(
                options.GetEffectiveDirectory(), options.GetEffectiveMaxSizeBytes(), time, services.GetService<ILogger<FileSystemImageCacheStore>>()),
            ImageCacheBackend.Distributed => new DistributedImageCacheStore(
                services.GetService<IDistributedCache>() ?? throw new InvalidOperationException(ImageCacheServicesValidator.MissingDistributedCache),
                time,
                keyPrefix: options.KeyPrefix),
            ImageCacheBackend.None => NullImageCacheStore.Instance,
            _ => new MemoryImageCacheStore(options.GetEffectiveMaxSizeBytes(), time),
        };
    }
}
