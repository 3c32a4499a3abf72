namespace ImageGen.Sdk.Providers;

/// <summary>
/// Names of the <see cref="System.Net.Http.IHttpClientFactory"/> clients the library uses, so apps can add handlers
/// (a proxy, logging, a resilience handler) with <c>services.AddHttpClient(name)</c>.
/// </summary>
/// <remarks>
/// Provider names ignore case everywhere in configuration and routing, but <see cref="System.Net.Http.IHttpClientFactory"/>
/// client names do not. So a provider client's name uses the provider name lower-cased (invariant culture): the
/// provider configured as <c>OpenAI</c>, <c>openai</c> or <c>OPENAI</c> always uses the client <c>ImageGen.openai</c>,
/// and <see cref="ForProvider"/> returns that name for any spelling.
/// </remarks>
public static class ImageGenerationHttpClientNames
{
    /// <summary>The prefix of provider clients: <c>ImageGen.</c> followed by the configured provider name in lower case.</summary>
    public const string ProviderPrefix = "ImageGen.";

    /// <summary>
    /// The client that downloads images a provider returned as URLs. It never carries provider credentials and the
    /// library caps how much it reads.
    /// </summary>
    public const string Downloads = "ImageGen.Downloads";

    /// <summary>Gets the client name of a configured provider, for example <c>ImageGen.openai</c> for <c>OpenAI</c>.</summary>
    /// <param name="providerName">The configured provider name, in any case.</param>
    /// <returns>The client name: <see cref="ProviderPrefix"/> + the name lower-cased (invariant culture).</returns>
    /// <exception cref="ArgumentException"><paramref name="providerName"/> is blank.</exception>
    public static string ForProvider(string providerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        return ProviderPrefix + providerName.ToLowerInvariant();
    }
}
