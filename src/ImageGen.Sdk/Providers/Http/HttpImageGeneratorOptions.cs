namespace ImageGen.Sdk.Providers;

/// <summary>
/// The settings every <see cref="HttpImageGenerator"/> shares: the provider name, the API key and the size limits.
/// A provider's own options class derives from it and adds its endpoint, model and wire settings.
/// </summary>
public abstract class HttpImageGeneratorOptions
{
    /// <summary>The default <see cref="MaxDownloadBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxDownloadBytes = 64L * 1024 * 1024;

    /// <summary>The default <see cref="MaxResponseBytes"/>: 512 MiB, so ten 3840x2160 images as base64 fit even when they do not compress.</summary>
    public const long DefaultMaxResponseBytes = 512L * 1024 * 1024;

    /// <summary>Initializes the options with the provider name used when none is set.</summary>
    /// <param name="defaultProviderName">The default <see cref="ProviderName"/>, for example <c>openai</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="defaultProviderName"/> is blank.</exception>
    protected HttpImageGeneratorOptions(string defaultProviderName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultProviderName);
        ProviderName = defaultProviderName;
    }

    /// <summary>Gets or sets the provider name reported in results, exceptions and logs.</summary>
    /// <value>The provider's default name, for example <c>openai</c>.</value>
    public string ProviderName { get; set; }

    /// <summary>
    /// Gets or sets the API key. The client puts it on each request message (never on the <see cref="HttpClient"/>)
    /// and removes it from every message it writes.
    /// </summary>
    /// <value>Required.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the largest image downloaded when the provider answers with a URL, in bytes (at most
    /// <see cref="Array.MaxLength"/>: the image is buffered in one array). A larger image is an
    /// <see cref="ImageGenerationErrorKind.InvalidResponse"/>.
    /// </summary>
    /// <value>64 MiB.</value>
    public long MaxDownloadBytes { get; set; } = DefaultMaxDownloadBytes;

    /// <summary>
    /// Gets or sets the largest API response body read, in bytes (at most <see cref="Array.MaxLength"/>). A longer
    /// body (announced by Content-Length or found while streaming) fails with
    /// <see cref="ImageGenerationErrorKind.InvalidResponse"/> without being read further, so a faulty gateway cannot
    /// exhaust memory.
    /// </summary>
    /// <value>512 MiB: ten 3840x2160 images as base64 fit even when they do not compress.</value>
    public long MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>Checks the shared settings, in the order a caller reads them: key, provider name, limits.</summary>
    /// <exception cref="ArgumentException">The key or name is blank, or a limit is not positive or above <see cref="Array.MaxLength"/>.</exception>
    internal void ValidateShared()
    {
        // Parameter names as the provider constructors' callers see them: they name their options "options".
        ArgumentException.ThrowIfNullOrWhiteSpace(ApiKey, "options.ApiKey");
        ArgumentException.ThrowIfNullOrWhiteSpace(ProviderName, "options.ProviderName");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDownloadBytes, "options.MaxDownloadBytes");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDownloadBytes, Array.MaxLength, "options.MaxDownloadBytes");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxResponseBytes, "options.MaxResponseBytes");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxResponseBytes, Array.MaxLength, "options.MaxResponseBytes");
    }

    /// <summary>Checks that a URL setting is an absolute http(s) URL.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="settingName">Its property name, for the message and the parameter name.</param>
    /// <returns>The URL.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute http(s) URL.</exception>
    protected static Uri RequireHttpUrl(Uri? url, string settingName)
    {
        ArgumentNullException.ThrowIfNull(url, "options." + settingName);
        return url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new ArgumentException($"{settingName} '{url}' is not an absolute http(s) URL.", "options." + settingName);
    }
}
