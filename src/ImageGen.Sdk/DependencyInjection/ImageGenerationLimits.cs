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
        Budget = _options.Budget;
        GlobalLimiter = RateLimiterFactory.Create(_options.RateLimit, timeProvider);
    }

    /// <summary>
    /// Gets one provider's price table: its type's shipped prices, then <c>ImageGeneration:Pricing</c>, then the
    /// provider's own <c>Pricing</c>.
    /// </summary>
    /// <param name="factory">The provider type's factory.</param>
    /// <param name="provider">The provider's options.</param>
    /// <returns>The table.</returns>
    public ImagePriceTable GetPrices(IImageProviderFactory factory, ImageProviderOptions provider)
        => ImagePriceTable.Empty.With(factory.DefaultPrices).With(_options.Pricing).With(provider.Pricing);

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

    /// <summary>The most of the attempt timeout a configured <c>MaxWait</c> may spend waiting for a permit, a back-off or a key.</summary>
    /// <remarks>
    /// The waits happen inside the attempt timeout; a wait that ran into it would end as a
    /// <see cref="ImageGenerationErrorKind.Timeout"/>, which the circuit breaker counts against a provider that was
    /// never called. Refusing locally before that gives the caller <see cref="ImageGenerationErrorKind.RateLimited"/>
    /// (or <see cref="ImageGenerationErrorKind.Unavailable"/>) with a <c>RetryAfter</c> instead.
    /// </remarks>
    internal const double AttemptTimeoutWaitShare = 0.9;

    /// <summary>The share of the attempt timeout a call waits when no <c>MaxWait</c> is configured.</summary>
    /// <remarks>
    /// Small enough to leave most of the attempt to the provider call itself (an image takes seconds to a minute, and
    /// a call sent with too little time left is billed and then cut off), large enough to ride out a short 429 burst.
    /// </remarks>
    internal const double DefaultWaitShare = 0.25;

    /// <summary>
    /// Gets a provider's limits. <c>MaxWait</c> is the provider's, else the app-wide one, and never more than
    /// <see cref="AttemptTimeoutWaitShare"/> of the attempt timeout; when neither sets one it is
    /// <see cref="DefaultWaitShare"/> of it.
    /// </summary>
    /// <param name="provider">The provider's options.</param>
    /// <param name="retry">The provider's effective retry options (its overrides on top of <c>ImageGeneration:Retry</c>).</param>
    /// <returns>The limits the provider's rate-limit layer enforces.</returns>
    public RateLimitOptions GetProviderRateLimit(ImageProviderOptions provider, RetryOptions retry) => new()
    {
        RequestsPerMinute = provider.RateLimit.RequestsPerMinute,
        Burst = provider.RateLimit.Burst,
        MinInterval = provider.RateLimit.MinInterval,
        MaxConcurrency = provider.RateLimit.MaxConcurrency,
        QueueLimit = provider.RateLimit.QueueLimit,
        MaxWait = GetMaxWait(provider, retry),
    };

    /// <summary>
    /// Gets a provider's key-rotation options. The wait for a resting key is <c>MaxKeyWait</c>, else the same
    /// <c>MaxWait</c> as the rate limits (see <see cref="GetProviderRateLimit"/>), capped the same way.
    /// </summary>
    /// <param name="provider">The provider's options.</param>
    /// <param name="retry">The provider's effective retry options.</param>
    /// <returns>The options of the provider's key layer.</returns>
    public KeyRotationOptions GetKeyRotation(ImageProviderOptions provider, RetryOptions retry) => new()
    {
        Strategy = provider.KeyRotation,
        KeyCooldown = provider.KeyCooldown,
        QuotaCooldown = provider.QuotaCooldown,
        RetiredKeyProbeInterval = provider.RetiredKeyProbeInterval,
        MaxWait = provider.MaxKeyWait is { } keyWait ? Min(keyWait, WaitCap(retry)) : GetMaxWait(provider, retry),
    };

    /// <summary>The one wait limit of a provider: its <c>RateLimit:MaxWait</c>, else the app-wide one, within the attempt timeout.</summary>
    private TimeSpan GetMaxWait(ImageProviderOptions provider, RetryOptions retry)
    {
        TimeSpan? configured = provider.RateLimit.MaxWait ?? _options.RateLimit.MaxWait;
        return configured is { } wait ? Min(wait, WaitCap(retry)) : AttemptBudget(retry) * DefaultWaitShare;
    }

    /// <summary>The cap on a configured wait: <see cref="AttemptTimeoutWaitShare"/> of the attempt's time.</summary>
    private static TimeSpan WaitCap(RetryOptions retry) => AttemptBudget(retry) * AttemptTimeoutWaitShare;

    /// <summary>The time one attempt has: the attempt timeout, or the total timeout when that is shorter (it then ends the attempt first).</summary>
    private static TimeSpan AttemptBudget(RetryOptions retry) => Min(retry.AttemptTimeout, retry.TotalTimeout);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Creates one client per configured key (none for a provider without keys); keys stay inside the clients.</summary>
    /// <param name="name">The provider name.</param>
    /// <param name="options">The provider's options.</param>
    /// <param name="factory">The provider type's factory.</param>
    /// <param name="services">The services.</param>
    /// <param name="existing">Clients already made, by key (a configuration reload): one whose key, fingerprint, weight and daily limit are unchanged is reused, not created again.</param>
    public static IReadOnlyList<ApiKeyClient> CreateKeyClients(
        string name, ImageProviderOptions options, IImageProviderFactory factory, IServiceProvider services, IReadOnlyDictionary<string, ApiKeyClient>? existing = null)
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

            int weight = i < options.KeyWeights.Count ? options.KeyWeights[i] : 1;
            int? dailyLimit = i < options.KeyDailyLimits.Count ? options.KeyDailyLimits[i] : options.KeyDailyLimit;
            if (existing is not null && existing.TryGetValue(keys[i], out ApiKeyClient? kept)
                && kept.Fingerprint == fingerprint && kept.Weight == weight && kept.DailyLimit == dailyLimit)
            {
                clients.Add(kept);
                continue;
            }

            IImageGenerator client = factory.Create(new ImageProviderContext(name, options, keys[i], services));
            clients.Add(new ApiKeyClient(fingerprint, client) { Weight = weight, DailyLimit = dailyLimit });
        }

        return clients;
    }

    public void Dispose() => GlobalLimiter?.Dispose();
}
