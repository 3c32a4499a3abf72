namespace ImageGen.Sdk;

/// <summary>
/// Describes a provider client: the provider it talks to, its default model, the models it knows and its endpoint.
/// Every provider client answers <c>GetService(typeof(ImageGeneratorMetadata))</c> with one, so layers composed by
/// hand (validation, count splitting, fallback adaptation, cost) find the same facts as under DI.
/// </summary>
/// <param name="ProviderName">The configured provider name (the routing key), for example <c>openai</c>.</param>
/// <param name="ProviderType">The provider type, for example <c>OpenAI</c>.</param>
/// <param name="DefaultModel">The model used when a request names none.</param>
/// <param name="Models">The models the SDK knows for this provider; others pass through unvalidated.</param>
/// <param name="BaseUrl">The endpoint the client calls, or <see langword="null"/> for a client without one.</param>
public sealed record ImageGeneratorMetadata(
    string ProviderName,
    string ProviderType,
    string DefaultModel,
    IReadOnlyList<ImageModelCapabilities> Models,
    Uri? BaseUrl = null)
{
    /// <summary>Finds what a model accepts.</summary>
    /// <param name="model">The model id; <see cref="DefaultModel"/> when <see langword="null"/>.</param>
    /// <returns>The capabilities, or <see langword="null"/> for a model the SDK does not know.</returns>
    public ImageModelCapabilities? GetModel(string? model)
    {
        string id = model ?? DefaultModel;
        foreach (ImageModelCapabilities capabilities in Models)
        {
            if (string.Equals(capabilities.Model, id, StringComparison.OrdinalIgnoreCase))
            {
                return capabilities;
            }
        }

        return null;
    }

    /// <summary>Creates the catalog descriptor of this provider.</summary>
    /// <returns>A descriptor with the same name, type, default model and models.</returns>
    public ImageProviderDescriptor ToDescriptor() => new(ProviderName, ProviderType, DefaultModel, Models);
}
