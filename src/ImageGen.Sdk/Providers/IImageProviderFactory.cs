namespace ImageGen.Sdk.Providers;

/// <summary>
/// Creates provider clients of one <see cref="ProviderType"/> from configuration. Register more with
/// <c>builder.AddProviderFactory&lt;T&gt;()</c> to plug a new provider type into <c>AddImageGeneration()</c>.
/// </summary>
public interface IImageProviderFactory
{
    /// <summary>Gets the provider type this factory creates (matched case-insensitively against <c>Type</c>).</summary>
    string ProviderType { get; }

    /// <summary>Gets a value indicating whether the provider needs an API key.</summary>
    bool RequiresApiKey { get; }

    /// <summary>Checks a provider's options at start-up.</summary>
    /// <param name="name">The configured provider name.</param>
    /// <param name="options">Its options.</param>
    /// <param name="errors">Receives one message per problem, each naming the configuration key.</param>
    void Validate(string name, ImageProviderOptions options, ICollection<string> errors);

    /// <summary>Describes the provider: default model and known model capabilities.</summary>
    /// <param name="name">The configured provider name.</param>
    /// <param name="options">Its options.</param>
    /// <returns>The descriptor.</returns>
    ImageProviderDescriptor Describe(string name, ImageProviderOptions options);

    /// <summary>Creates a client bound to one API key.</summary>
    /// <param name="context">The provider name, options, key and services.</param>
    /// <returns>A thread-safe generator that calls the provider once per <c>GenerateAsync</c>.</returns>
    IImageGenerator Create(ImageProviderContext context);

    /// <summary>
    /// Gets the environment variables this type reads when nothing is configured (named in start-up messages and docs).
    /// </summary>
    /// <value>None by default.</value>
    IReadOnlyList<string> EnvironmentVariables => [];

    /// <summary>Gets the provider name used when the provider is configured from the environment.</summary>
    /// <value>The provider type lower-cased by default.</value>
    string EnvironmentProviderName => ProviderType.ToLowerInvariant();

    /// <summary>
    /// Creates a provider's options from the environment when <c>ImageGeneration:Providers</c> configures none (and
    /// <c>UseEnvironmentVariables</c> is on).
    /// </summary>
    /// <param name="getVariable">Reads one variable: its trimmed value, or <see langword="null"/> when unset or blank.</param>
    /// <returns>The options, or <see langword="null"/> when the variables this type needs are absent.</returns>
    ImageProviderOptions? FromEnvironment(Func<string, string?> getVariable) => null;

    /// <summary>
    /// Gets the shipped prices of this type's models, by model id (<c>*</c> prices every model the table does not
    /// list). <c>ImageGeneration:Pricing</c> and the provider's own <c>Pricing</c> apply on top.
    /// </summary>
    /// <value>None by default: budgets cannot guard the provider's calls until prices are configured.</value>
    IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => ImagePriceTable.NoPrices;

    /// <summary>
    /// Gets the model names of one configured provider that are priced as another model (for example an Azure
    /// deployment priced as the model it runs).
    /// </summary>
    /// <param name="name">The configured provider name.</param>
    /// <param name="options">Its options.</param>
    /// <returns>The names and the models they are priced as, or <see langword="null"/> when there are none.</returns>
    IReadOnlyDictionary<string, string>? GetPricedAs(string name, ImageProviderOptions options) => null;
}
