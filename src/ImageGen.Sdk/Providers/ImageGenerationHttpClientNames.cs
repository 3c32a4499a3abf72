namespace ImageGen.Sdk.Providers;

/// <summary>
/// Names of the <see cref="System.Net.Http.IHttpClientFactory"/> clients the library uses, so apps can add handlers
/// (a proxy, logging, a resilience handler) with <c>services.AddHttpClient(name)</c>.
/// </summary>
public static class ImageGenerationHttpClientNames
{
    /// <summary>The prefix of provider clients: <c>ImageGen.</c> followed by the configured provider name.</summary>
    public const string ProviderPrefix = "ImageGen.";

    /// <summary>
    /// The client that downloads images a provider returned as URLs. It never carries provider credentials and the
    /// library caps how much it reads.
    /// </summary>
    public const string Downloads = "ImageGen.Downloads";

    /// <summary>Gets the client name of a configured provider, for example <c>ImageGen.openai</c>.</summary>
    /// <param name="providerName">The configured provider name.</param>
    /// <returns>The client name.</returns>
    public static string ForProvider(string providerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        return ProviderPrefix + providerName;
    }
}
