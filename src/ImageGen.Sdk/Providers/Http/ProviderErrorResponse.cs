using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// An unsuccessful provider response as <see cref="HttpImageGenerator.CreateError(ProviderErrorResponse)"/> sees it:
/// status, headers, request id, the delay the headers ask for, and the start of the body (at most
/// <see cref="MaxBodyBytes"/>), already read, so the provider only maps it to a kind.
/// </summary>
public sealed class ProviderErrorResponse
{
    /// <summary>The most error-body bytes read; a longer body is cut there (error JSON is small, an HTML page is not needed).</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="body">The body, at most <see cref="MaxBodyBytes"/>; empty when none was sent or it could not be read.</param>
    /// <param name="mediaType">The body's media type, when sent.</param>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is <see langword="null"/>.</exception>
    public ProviderErrorResponse(int statusCode, HttpResponseHeaders headers, ReadOnlyMemory<byte> body, string? mediaType)
    {
        ArgumentNullException.ThrowIfNull(headers);
        StatusCode = statusCode;
        Headers = headers;
        Body = body;
        MediaType = mediaType;
    }

    /// <summary>Gets the HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the response headers.</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>Gets the start of the body (at most <see cref="MaxBodyBytes"/>).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Gets the body's media type, when sent.</summary>
    public string? MediaType { get; }

    /// <summary>Gets the provider's request id, read by <see cref="HttpImageGenerator.ReadRequestId"/>.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets the delay the headers ask for (<c>retry-after-ms</c>, <c>Retry-After</c>), when sent.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the rate-limit state the headers report, read by <see cref="HttpImageGenerator.ReadRateLimit"/>.</summary>
    public ProviderRateLimitInfo? RateLimit { get; init; }

    /// <summary>
    /// Gets a value indicating whether the body looks like JSON (it starts with <c>{</c> or <c>[</c>). An HTML page from a
    /// gateway or load balancer does not, and is classified by its status alone.
    /// </summary>
    public bool IsJson
    {
        get
        {
            ReadOnlySpan<byte> span = Body.Span.TrimStart(" \t\r\n"u8);
            if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                span = span[3..].TrimStart(" \t\r\n"u8);
            }

            return !span.IsEmpty && (span[0] == (byte)'{' || span[0] == (byte)'[');
        }
    }

    /// <summary>Reads the body as the provider's error JSON.</summary>
    /// <typeparam name="T">The error document type.</typeparam>
    /// <param name="typeInfo">Its source-generated type information.</param>
    /// <returns>The document, or <see langword="null"/> when the body is empty, not JSON, or not of that shape.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is <see langword="null"/>.</exception>
    public T? ReadJson<T>(JsonTypeInfo<T> typeInfo)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (!IsJson)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(Body.Span, typeInfo);
        }
        catch (JsonException)
        {
            // A cut-off or foreign body: the status still classifies the failure.
            return null;
        }
    }
}
