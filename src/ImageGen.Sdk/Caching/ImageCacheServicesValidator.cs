using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Caching;

/// <summary>Checks at start-up that the services the chosen cache backend needs are registered.</summary>
internal sealed class ImageCacheServicesValidator : IValidateOptions<ImageGenerationOptions>
{
    internal const string MissingDistributedCache =
        "ImageGeneration:Cache:Backend is Distributed but no IDistributedCache is registered: register one (for example services.AddStackExchangeRedisCache(...) or services.AddDistributedMemoryCache()) or choose another backend.";

    private readonly IServiceProviderIsService? _isService;

    public ImageCacheServicesValidator(IServiceProvider services)
        => _isService = services.GetService<IServiceProviderIsService>();

    public ValidateOptionsResult Validate(string? name, ImageGenerationOptions options)
    {
        if (options.Cache.Backend == ImageCacheBackend.Distributed && _isService is not null && !_isService.IsService(typeof(IDistributedCache)))
        {
            return ValidateOptionsResult.Fail(MissingDistributedCache);
        }

        return ValidateOptionsResult.Success;
    }
}
