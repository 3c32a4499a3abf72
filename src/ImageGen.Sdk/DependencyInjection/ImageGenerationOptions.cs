namespace ImageGen.Sdk;

/// <summary>
/// Root options of the configuration section <c>ImageGeneration</c>: the providers and every layer of the stack
/// that <c>services.AddImageGeneration()</c> composes.
/// </summary>
public sealed class ImageGenerationOptions
{
    /// <summary>The configuration section these options bind to: <c>ImageGeneration</c>.</summary>
    public const string SectionName = "ImageGeneration";

    /// <summary>Gets or sets the provider a request without a provider name goes to (<c>ImageGeneration:DefaultProvider</c>).</summary>
    /// <value>The first configured provider when <see langword="null"/>.</value>
    public string? DefaultProvider { get; set; }

    /// <summary>Gets the configured providers by name (<c>ImageGeneration:Providers:{name}</c>); names ignore case.</summary>
    public IDictionary<string, ImageProviderOptions> Providers { get; } = new Dictionary<string, ImageProviderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether providers are added from well-known environment variables
    /// (<c>OPENAI_API_KEY</c>, <c>AZURE_OPENAI_API_KEY</c> + <c>AZURE_OPENAI_ENDPOINT</c>, ...) when none is configured.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool UseEnvironmentVariables { get; set; } = true;

    /// <summary>Gets or sets the largest image the library downloads when a provider answers with a URL, in bytes.</summary>
    /// <value>64 MiB.</value>
    public long MaxDownloadBytes { get; set; } = 64L * 1024 * 1024;

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
    /// <value>The shipped prices (<see cref="ImagePriceTable.DefaultPricesAsOf"/>).</value>
    public PricingOptions Pricing { get; set; } = new();

    /// <summary>Gets or sets a value indicating whether no provider was configured and the Local provider was added.</summary>
    internal bool UsedLocalFallback { get; set; }
}
