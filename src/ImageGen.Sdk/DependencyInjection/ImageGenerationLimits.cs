using System.Threading.RateLimiting;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// What the composition needs for rate limits, keys and costs: the app-wide limiter shared by every provider, the
/// price table, the budgets, and one client per API key.
/// </summary>
internal sealed class ImageGenerationLimits : IDisposable
{
    private readonly ImageGenerationOptions _options;

    public ImageGenerationLimits(IOptions<ImageGenerationOptions> options, TimeProvider timeProvider)
    {
        _options = options.Value;
        Prices = ImagePriceTable.Create(_options.Pricing);
        Budget = _options.Budget;
        GlobalLimiter = RateLimiterFactory.Create(_options.RateLimit, timeProvider);
    }

    /// <summary>Gets the price table: shipped prices with <c>ImageGeneration:Pricing</c> applied.</summary>
    public ImagePriceTable Prices { get; }

    /// <summary>Gets the budgets (shared by all providers through the registered <see cref="IBudgetSpendStore"/>).</summary>
    public BudgetOptions Budget { get; }

    /// <summary>Gets the app-wide limiter of <c>ImageGeneration:RateLimit</c>, or <see langword="null"/>.</summary>
    public RateLimiter? GlobalLimiter { get; }

    /// <summary>Registers the stores and the monitor (each replaceable by registering your own first).</summary>
    public static void AddServices(IServiceCollection services)
    {
        services.TryAddSingleton<ImageGenerationLimits>();
        services.TryAddSingleton<IKeyStateStore, InMemoryKeyStateStore>();
        services.TryAddSingleton(sp => new KeyPoolMonitor(sp.GetRequiredService<IKeyStateStore>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IKeyPoolMonitor>(sp => sp.GetRequiredService<KeyPoolMonitor>());
        services.TryAddSingleton<IBudgetSpendStore>(sp => new InMemoryBudgetSpendStore(sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IUserQuotaStore, InMemoryUserQuotaStore>();
    }

    /// <summary>Gets a provider's limits, with the app-wide <c>MaxWait</c> when the provider sets none.</summary>
    public RateLimitOptions GetProviderRateLimit(ImageProviderOptions provider) => new()
    {
        RequestsPerMinute = provider.RateLimit.RequestsPerMinute,
        Burst = provider.RateLimit.Burst,
        MinInterval = provider.RateLimit.MinInterval,
        MaxConcurrency = provider.RateLimit.MaxConcurrency,
        QueueLimit = provider.RateLimit.QueueLimit,
        MaxWait = provider.RateLimit.MaxWait ?? _options.RateLimit.MaxWait,
    };

    /// <summary>Gets a provider's key-rotation options.</summary>
    public static KeyRotationOptions GetKeyRotation(ImageProviderOptions provider) => new()
    {
        Strategy = provider.KeyRotation,
        KeyCooldown = provider.KeyCooldown,
        QuotaCooldown = provider.QuotaCooldown,
        MaxWait = provider.MaxKeyWait,
    };

    /// <summary>Creates one client per configured key (none for a provider without keys); keys stay inside the clients.</summary>
    public static IReadOnlyList<ApiKeyClient> CreateKeyClients(string name, ImageProviderOptions options, IImageProviderFactory factory, IServiceProvider services)
    {
        IReadOnlyList<string> keys = options.GetAllApiKeys();
        List<ApiKeyClient> clients = new(keys.Count);
        HashSet<string> fingerprints = new(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            string fingerprint = ApiKeyFingerprint.Create(keys[i]);
            for (int n = 2; !fingerprints.Add(fingerprint); n++)
            {
                // Two keys that share their ends still need their own state.
                fingerprint = $"{ApiKeyFingerprint.Create(keys[i])}#{n}";
            }

            IImageGenerator client = factory.Create(new ImageProviderContext(name, options, keys[i], services));
            clients.Add(new ApiKeyClient(fingerprint, client)
            {
                Weight = i < options.KeyWeights.Count ? options.KeyWeights[i] : 1,
                DailyLimit = i < options.KeyDailyLimits.Count ? options.KeyDailyLimits[i] : options.KeyDailyLimit,
            });
        }

        return clients;
    }

    public void Dispose() => GlobalLimiter?.Dispose();
}
