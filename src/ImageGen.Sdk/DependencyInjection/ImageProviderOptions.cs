namespace ImageGen.Sdk;

/// <summary>Options of one configured provider (<c>ImageGeneration:Providers:{name}</c>).</summary>
public sealed class ImageProviderOptions
{
    /// <summary>Gets or sets the provider type: <c>OpenAI</c>, <c>AzureOpenAI</c> or <c>Local</c> (see <see cref="ImageProviderTypes"/>).</summary>
    public string? Type { get; set; }

    /// <summary>Gets or sets the API key. Use <see cref="ApiKeys"/> for several keys.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets the API keys (<c>ApiKeys:0</c>, <c>ApiKeys:1</c>, ...); combined with <see cref="ApiKey"/>, duplicates removed.</summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>
    /// Gets or sets the base URL: an OpenAI-compatible gateway (Cloudflare AI Gateway, Vercel AI Gateway, LiteLLM) for
    /// <c>OpenAI</c>, the resource endpoint for <c>AzureOpenAI</c>.
    /// </summary>
    /// <value>The provider's public endpoint when <see langword="null"/> (required for Azure).</value>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets the model used when a request names none.</summary>
    /// <value>The provider type's default (OpenAI: <c>gpt-image-1</c>).</value>
    public string? DefaultModel { get; set; }

    /// <summary>Gets or sets the Azure OpenAI deployment name.</summary>
    public string? Deployment { get; set; }

    /// <summary>Gets or sets the Azure OpenAI <c>api-version</c>.</summary>
    /// <value><c>2025-04-01-preview</c> (the first that serves gpt-image-1).</value>
    public string? ApiVersion { get; set; }

    /// <summary>Gets or sets the OpenAI organization id sent as <c>OpenAI-Organization</c>.</summary>
    public string? Organization { get; set; }

    /// <summary>Gets or sets the OpenAI project id sent as <c>OpenAI-Project</c>.</summary>
    public string? Project { get; set; }

    /// <summary>Gets or sets this provider's client-side rate limits (<c>Providers:{name}:RateLimit</c>).</summary>
    /// <value>No limits.</value>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Gets or sets how the provider's keys take turns when it has several (<c>Providers:{name}:KeyRotation</c>).</summary>
    /// <value><see cref="KeyRotationStrategy.RoundRobin"/>.</value>
    public KeyRotationStrategy KeyRotation { get; set; } = KeyRotationStrategy.RoundRobin;

    /// <summary>Gets the keys' weights under <see cref="KeyRotationStrategy.Weighted"/>, in the order of <see cref="GetAllApiKeys"/> (<c>KeyWeights:0</c>, ...); missing entries weigh 1.</summary>
    public IList<int> KeyWeights { get; } = [];

    /// <summary>Gets or sets the most calls each key may make per UTC day; past it the key is parked until midnight UTC.</summary>
    /// <value><see langword="null"/>: no daily limit.</value>
    public int? KeyDailyLimit { get; set; }

    /// <summary>Gets per-key daily limits, in the order of <see cref="GetAllApiKeys"/> (<c>KeyDailyLimits:0</c>, ...); they override <see cref="KeyDailyLimit"/>.</summary>
    public IList<int> KeyDailyLimits { get; } = [];

    /// <summary>
    /// Gets or sets the longest rest of a rate-limited key when the provider sent no retry delay (or a zero one) and no
    /// reset: it rests 1 s, 2 s, 4 s, … for each 429 in a row, up to this; a success starts again at 1 s.
    /// </summary>
    /// <value><see langword="null"/>: the key wait (<see cref="MaxKeyWait"/>), so when every key rests calls wait instead of failing.</value>
    public TimeSpan? KeyCooldown { get; set; }

    /// <summary>Gets or sets how long a rejected (401) key stays retired before one call probes it again.</summary>
    /// <value>1 minute.</value>
    public TimeSpan RetiredKeyProbeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long a key whose quota is exhausted (402, <c>insufficient_quota</c>) rests.</summary>
    /// <value>1 hour.</value>
    public TimeSpan QuotaCooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the longest a call waits for a resting key when every key rests, before failing with
    /// <see cref="ImageGenerationErrorKind.Unavailable"/>. Like every wait inside an attempt it is capped at 90% of
    /// the attempt timeout.
    /// </summary>
    /// <value><see langword="null"/>: the same limit as <see cref="RateLimitOptions.MaxWait"/> (this provider's, else
    /// the app-wide one, else 25% of <c>Retry:AttemptTimeout</c>), so one <c>MaxWait</c> bounds every wait.</value>
    public TimeSpan? MaxKeyWait { get; set; }

    /// <summary>
    /// Gets or sets this provider's own prices (<c>Providers:{name}:Pricing</c>), applied on top of the shipped table and
    /// <c>ImageGeneration:Pricing</c>: for example an Azure agreement that differs from OpenAI's list prices.
    /// </summary>
    /// <value><see langword="null"/>: the app-wide prices apply.</value>
    public PricingOptions? Pricing { get; set; }

    /// <summary>Gets every distinct configured key: <see cref="ApiKey"/> first, then <see cref="ApiKeys"/>.</summary>
    /// <returns>The keys, blank entries skipped.</returns>
    public IReadOnlyList<string> GetAllApiKeys()
    {
        List<string> keys = [];
        if (!string.IsNullOrWhiteSpace(ApiKey))
        {
            keys.Add(ApiKey.Trim());
        }

        foreach (string key in ApiKeys)
        {
            if (!string.IsNullOrWhiteSpace(key) && !keys.Contains(key.Trim(), StringComparer.Ordinal))
            {
                keys.Add(key.Trim());
            }
        }

        return keys;
    }
}
