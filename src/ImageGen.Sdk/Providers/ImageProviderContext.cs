using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Providers;

/// <summary>What a <see cref="IImageProviderFactory"/> needs to create one client.</summary>
public sealed class ImageProviderContext
{
    /// <summary>Initializes a new context.</summary>
    /// <param name="name">The configured provider name.</param>
    /// <param name="options">The provider's options.</param>
    /// <param name="apiKey">The API key this client uses, or <see langword="null"/> for providers without keys.</param>
    /// <param name="services">The application's services.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public ImageProviderContext(string name, ImageProviderOptions options, string? apiKey, IServiceProvider services)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        Name = name;
        Options = options;
        ApiKey = apiKey;
        Services = services;
    }

    /// <summary>Gets the configured provider name.</summary>
    public string Name { get; }

    /// <summary>Gets the provider's options.</summary>
    public ImageProviderOptions Options { get; }

    /// <summary>Gets the API key this client uses.</summary>
    public string? ApiKey { get; }

    /// <summary>Gets the application's services (HTTP client factory, logger factory, time provider).</summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// Gets the name of the <see cref="System.Net.Http.IHttpClientFactory"/> client for this provider:
    /// <c>ImageGen.{name}</c> with the name lower-cased (see <see cref="ImageGenerationHttpClientNames.ForProvider"/>).
    /// </summary>
    public string HttpClientName => ImageGenerationHttpClientNames.ForProvider(Name);

    /// <summary>Gets the cap on an image downloaded from a result URL (<c>ImageGeneration:MaxDownloadBytes</c>).</summary>
    public long MaxDownloadBytes => GlobalOptions?.MaxDownloadBytes ?? HttpImageGeneratorOptions.DefaultMaxDownloadBytes;

    /// <summary>Gets the cap on an API response body (<c>ImageGeneration:MaxResponseBytes</c>).</summary>
    public long MaxResponseBytes => GlobalOptions?.MaxResponseBytes ?? HttpImageGeneratorOptions.DefaultMaxResponseBytes;

    private ImageGenerationOptions? GlobalOptions => Services.GetService<IOptions<ImageGenerationOptions>>()?.Value;

    /// <summary>
    /// Creates the transport of this provider's client: the <see cref="IHttpClientFactory"/> client
    /// <see cref="HttpClientName"/> asked for per call, <see cref="ImageGenerationHttpClientNames.Downloads"/> for
    /// result URLs, a logger named <c>ImageGen.Sdk.Providers.{name}</c> and the registered <see cref="TimeProvider"/>.
    /// </summary>
    /// <returns>The transport.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IHttpClientFactory"/> is registered.</exception>
    public ProviderTransport CreateTransport() => new(Services.GetRequiredService<IHttpClientFactory>(), HttpClientName)
    {
        Logger = Services.GetService<ILoggerFactory>()?.CreateLogger("ImageGen.Sdk.Providers." + Name),
        TimeProvider = Services.GetService<TimeProvider>(),
    };
}
