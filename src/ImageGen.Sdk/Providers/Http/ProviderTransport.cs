using System.Net;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// How an <see cref="HttpImageGenerator"/> reaches the network: the <see cref="HttpClient"/> for API calls, the
/// client for result downloads (never carrying credentials), the logger and the clock.
/// </summary>
/// <remarks>
/// Built from an <see cref="IHttpClientFactory"/>, a client is asked for per call, so a long-lived provider client
/// still follows the factory's handler rotation (DNS changes). Built from an <see cref="HttpClient"/>, that client
/// is used for every call; set its <see cref="HttpClient.Timeout"/>, since a client composed by hand has no attempt
/// time-out of its own. Immutable and thread-safe.
/// </remarks>
public sealed class ProviderTransport
{
    private static readonly Lazy<HttpClient> SharedDownloadClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.All,
    }));

    private readonly Func<HttpClient> _httpClient;
    private readonly Func<HttpClient> _downloadClient;

    /// <summary>Initializes a transport over fixed clients.</summary>
    /// <param name="httpClient">The client for API calls. Credentials are set per request message, so it may be shared.</param>
    /// <param name="downloadClient">The client for result URLs; it must not carry credentials. A private shared client when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    public ProviderTransport(HttpClient httpClient, HttpClient? downloadClient = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = () => httpClient;
        _downloadClient = downloadClient is null ? static () => SharedDownloadClient.Value : () => downloadClient;
    }

    /// <summary>Initializes a transport that asks <paramref name="httpClientFactory"/> for a client per call.</summary>
    /// <param name="httpClientFactory">The factory.</param>
    /// <param name="httpClientName">The name of the API client, usually <see cref="ImageGenerationHttpClientNames.ForProvider"/>.</param>
    /// <param name="downloadClientName">The name of the download client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClientFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is blank.</exception>
    public ProviderTransport(IHttpClientFactory httpClientFactory, string httpClientName, string downloadClientName = ImageGenerationHttpClientNames.Downloads)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentException.ThrowIfNullOrWhiteSpace(httpClientName);
        ArgumentException.ThrowIfNullOrWhiteSpace(downloadClientName);
        _httpClient = () => httpClientFactory.CreateClient(httpClientName);
        _downloadClient = () => httpClientFactory.CreateClient(downloadClientName);
    }

    /// <summary>Gets the logger for request, response and failure events (never a prompt or a key).</summary>
    /// <value><see langword="null"/>: no logging.</value>
    public ILogger? Logger { get; init; }

    /// <summary>Gets the clock for elapsed times, HTTP-date <c>Retry-After</c> values and polling.</summary>
    /// <value><see langword="null"/>: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Gets the client for one API call.</summary>
    /// <returns>The client.</returns>
    internal HttpClient GetHttpClient() => _httpClient();

    /// <summary>Gets the client for one download.</summary>
    /// <returns>The client.</returns>
    internal HttpClient GetDownloadClient() => _downloadClient();
}
