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
}
