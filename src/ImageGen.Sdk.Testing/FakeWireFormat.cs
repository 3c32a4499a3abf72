using Microsoft.AspNetCore.Http;

namespace ImageGen.Sdk.Testing;

/// <summary>
/// One provider's wire format at the <see cref="FakeImageProviderServer"/>: its routes, how it reads a request and
/// the API key, and how it writes images, errors and refusals. The server does the rest (recording, faults,
/// concurrency), so a new wire format is one more subclass.
/// </summary>
internal abstract class FakeWireFormat
{
    /// <summary>Gets the POST routes this format answers, relative to the server root.</summary>
    public abstract IReadOnlyList<string> Routes { get; }

    /// <summary>Reads the API key the request carries, or <see langword="null"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The key.</returns>
    public abstract string? ReadApiKey(HttpRequest request);

    /// <summary>Reads what images the request asks for.</summary>
    /// <param name="request">The request (its body is buffered and rewound).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The size, count and response form asked for.</returns>
    public abstract Task<FakeImageAsk> ReadAskAsync(HttpRequest request, CancellationToken cancellationToken);

    /// <summary>Writes the success document: inline images, or URLs where the images can be fetched.</summary>
    /// <param name="images">The PNG of each image.</param>
    /// <param name="urls">The URL of each image when the ask was for URLs, else <see langword="null"/>.</param>
    /// <returns>The body (JSON).</returns>
    public abstract byte[] WriteSuccess(IReadOnlyList<byte[]> images, IReadOnlyList<string>? urls);

    /// <summary>Writes an error document.</summary>
    /// <param name="statusCode">The status it goes with.</param>
    /// <param name="code">The provider error code, or <see langword="null"/>.</param>
    /// <returns>The body (JSON).</returns>
    public abstract byte[] WriteError(int statusCode, string? code);
}

/// <summary>What a request asks for.</summary>
/// <param name="Width">The width in pixels.</param>
/// <param name="Height">The height in pixels.</param>
/// <param name="Count">How many images.</param>
/// <param name="WantsUrls">Whether the images are to be answered as URLs.</param>
internal sealed record FakeImageAsk(int Width, int Height, int Count, bool WantsUrls);
