using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="UserQuotaImageGenerator"/> to a pipeline.</summary>
public static class UserQuotaImageGeneratorBuilderExtensions
{
    /// <summary>Adds per-end-user quotas. Place it below the cache (a hit spends no quota) and above provider routing.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The quotas.</param>
    /// <param name="tierResolver">Chooses each user's tier; asked of the pipeline below (<c>GetService</c>), then of the services, when <see langword="null"/>.</param>
    /// <param name="store">Where daily counts live; taken from the services, else private in-memory, when <see langword="null"/>.</param>
    /// <param name="catalog">Gives a request without a size its model's default size for the <c>MaxPixels</c> check; asked of the pipeline below (<c>GetService</c>), then of the services, when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseUserQuotas(this ImageGeneratorBuilder builder, UserQuotaOptions options, IUserTierResolver? tierResolver = null, IUserQuotaStore? store = null, IImageProviderCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.Use((inner, services) => options.HasLimits
            ? new UserQuotaImageGenerator(
                inner,
                options,
                tierResolver ?? (IUserTierResolver?)services.GetService(typeof(IUserTierResolver)),
                store ?? (IUserQuotaStore?)services.GetService(typeof(IUserQuotaStore)),
                (TimeProvider?)services.GetService(typeof(TimeProvider)),
                ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<UserQuotaImageGenerator>(),
                catalog ?? inner.GetService<IImageProviderCatalog>() ?? (IImageProviderCatalog?)services.GetService(typeof(IImageProviderCatalog)))
            : inner);
    }
}
