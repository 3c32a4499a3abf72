namespace ImageGen.Sdk;

/// <summary>
/// Root options of the configuration section <c>ImageGeneration</c>: the providers and every layer of the stack
/// that <c>services.AddImageGeneration()</c> composes.
/// </summary>
public sealed class ImageGenerationOptions
{
    /// <summary>The configuration section these options bind to: <c>ImageGeneration</c>.</summary>
    public const string SectionName = "ImageGeneration";

    /// <summary>
    /// Gets or sets the provider a request without a provider name goes to (<c>ImageGeneration:DefaultProvider</c>).
    /// Required when several providers are configured: configuration sorts provider names, so "the first one" would
    /// be alphabetical rather than intended, and start-up fails instead of guessing.
    /// </summary>
    /// <value>
    /// <see langword="null"/>: the only configured provider; with providers from the environment, the first provider
    /// type registered (OpenAI before Azure OpenAI and the others).
    /// </value>
    public string? DefaultProvider { get; set; }

    /// <summary>Gets the configured providers by name (<c>ImageGeneration:Providers:{name}</c>); names ignore case.</summary>
    public IDictionary<string, ImageProviderOptions> Providers { get; } = new Dictionary<string, ImageProviderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether providers are added from well-known environment variables
    /// (<c>OPENAI_API_KEY</c>, <c>AZURE_OPENAI_API_KEY</c> + <c>AZURE_OPENAI_ENDPOINT</c>, ...) when none is configured.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool UseEnvironmentVariables { get; set; } = true;

    /// <summary>Gets or sets the largest image the library downloads when a provider answers with a URL, in bytes (at most <see cref="Array.MaxLength"/>: the image is buffered in one array).</summary>
    /// <value>64 MiB.</value>
    public long MaxDownloadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest provider API response body the library reads, in bytes (<c>ImageGeneration:MaxResponseBytes</c>).
    /// A longer body fails with <see cref="ImageGenerationErrorKind.InvalidResponse"/> before it is read in full. At most
    /// <see cref="Array.MaxLength"/> (the images of a response are decoded into one array).
    /// </summary>
    /// <value>512 MiB: ten 3840x2160 images as base64 fit even when they do not compress.</value>
    public long MaxResponseBytes { get; set; } = ImageGen.Sdk.Providers.HttpImageGeneratorOptions.DefaultMaxResponseBytes;

    /// <summary>Gets or sets the retry and timeout options of every provider (<c>ImageGeneration:Retry</c>);
    /// <c>Providers:{name}:Retry</c> overrides them per provider.</summary>
    /// <value>3 retries, exponential backoff from 1 s with jitter, Retry-After honoured up to 2 min, 60 s per attempt, 5 min in total.</value>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the circuit breaker options of every provider (<c>ImageGeneration:CircuitBreaker</c>);
    /// <c>Providers:{name}:CircuitBreaker</c> overrides them per provider.</summary>
    /// <value>Enabled; opens at a 0.5 failure ratio over at least 10 attempts in 60 s, for 30 s.</value>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Gets or sets the cross-provider fallback (<c>ImageGeneration:Fallback</c>).</summary>
    /// <value>Off (no providers listed).</value>
    public FallbackOptions Fallback { get; set; } = new();

    /// <summary>Gets the cache options (<c>ImageGeneration:Cache</c>): backend, time to live, size limit, stale-if-error.</summary>
    public ImageCacheOptions Cache { get; } = new();
    /// <summary>
    /// Gets or sets app-wide rate limits (<c>ImageGeneration:RateLimit</c>): one limiter shared by every provider, taken
    /// before each provider's own <see cref="ImageProviderOptions.RateLimit"/>. Its <c>MaxWait</c> is the default for providers that set none.
    /// </summary>
    /// <value>No limits.</value>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Gets or sets per-end-user quotas (<c>ImageGeneration:UserQuotas</c>).</summary>
    /// <value>No quotas.</value>
    public UserQuotaOptions UserQuotas { get; set; } = new();

    /// <summary>Gets or sets spending budgets (<c>ImageGeneration:Budget</c>).</summary>
    /// <value>No budgets.</value>
    public BudgetOptions Budget { get; set; } = new();

    /// <summary>Gets or sets overrides of the shipped price table (<c>ImageGeneration:Pricing</c>).</summary>
    /// <value>No overrides: each provider type's shipped prices.</value>
    public PricingOptions Pricing { get; set; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether the offline <c>Local</c> provider (placeholder PNGs) is used when no
    /// provider is configured and none comes from the environment (<c>ImageGeneration:UseLocalWhenUnconfigured</c>).
    /// Outside Development the placeholder provider is never chosen on its own: start-up fails instead, so a
    /// production app cannot serve placeholders by mistake. Configuring <c>Providers:local:Type = Local</c> opts in
    /// unconditionally.
    /// </summary>
    /// <value>
    /// <see langword="null"/>: only when the host environment (<c>IHostEnvironment</c>, else <c>DOTNET_ENVIRONMENT</c>
    /// or <c>ASPNETCORE_ENVIRONMENT</c>) is Development. An app without any of these runs as Production.
    /// </value>
    public bool? UseLocalWhenUnconfigured { get; set; }
}
