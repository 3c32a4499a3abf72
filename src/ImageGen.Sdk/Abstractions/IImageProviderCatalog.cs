namespace ImageGen.Sdk;

/// <summary>
/// The configured providers and the default route. Layers that must reason about providers without calling them
/// (validation, cache keys, fallback adaptation) read it; it never performs a call.
/// </summary>
public interface IImageProviderCatalog
{
    /// <summary>Gets the name of the provider a request without <see cref="ImageGenerationRequest.Provider"/> goes to.</summary>
    string DefaultProvider { get; }

    /// <summary>Gets every configured provider.</summary>
    IReadOnlyCollection<ImageProviderDescriptor> Providers { get; }

    /// <summary>Finds a provider by name (case-insensitive).</summary>
    /// <param name="name">The provider name.</param>
    /// <returns>The descriptor, or <see langword="null"/> when no such provider is configured.</returns>
    ImageProviderDescriptor? Find(string name);
}
