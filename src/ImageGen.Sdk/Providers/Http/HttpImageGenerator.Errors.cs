using System.Globalization;
using System.Net.Http.Headers;

namespace ImageGen.Sdk.Providers;

/// <content>Turning error responses into <see cref="ImageGenerationException"/>s: the hooks a provider overrides and the builders it calls.</content>
public abstract partial class HttpImageGenerator
{
    /// <summary>Maps an error response to the exception to throw. The default classifies by status alone (<see cref="ProviderErrorKinds.FromStatus"/>).</summary>
    /// <param name="response">The error response, body already read.</param>
    /// <returns>The exception; build it with <see cref="CreateError(ProviderErrorResponse, ImageGenerationErrorKind, string?, string?, bool?, TimeSpan?)"/>.</returns>
    protected virtual ImageGenerationException CreateError(ProviderErrorResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return CreateError(response, ProviderErrorKinds.FromStatus(response.StatusCode), errorCode: null, message: null);
    }

    /// <summary>Builds the exception for an error response with status, request id, rate limit and a redacted message.</summary>
    /// <param name="response">The error response.</param>
    /// <param name="kind">What went wrong.</param>
    /// <param name="errorCode">The provider's error code, when its body has one.</param>
    /// <param name="message">The provider's error message, when its body has one (keys are removed).</param>
    /// <param name="isTransient">Overrides the kind's default transience.</param>
    /// <param name="retryAfter">The delay to report; <see cref="ReadRetryAfter"/> when <see langword="null"/>.</param>
    /// <returns>The exception.</returns>
    protected internal ImageGenerationException CreateError(ProviderErrorResponse response, ImageGenerationErrorKind kind, string? errorCode, string? message, bool? isTransient = null, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        string detail = string.IsNullOrWhiteSpace(message)
            ? response.IsJson ? "no message" : "the error body was not JSON"
            : Redact(message.Trim());
        string code = errorCode is null ? string.Empty : " " + errorCode;
        return new ImageGenerationException(kind, string.Create(CultureInfo.InvariantCulture, $"{ProviderName} returned HTTP {response.StatusCode}{code} ({kind}): {detail}"))
        {
            Provider = ProviderName,
            StatusCode = response.StatusCode,
            ProviderErrorCode = errorCode,
            ProviderRequestId = response.RequestId,
            RetryAfter = retryAfter ?? ReadRetryAfter(response),
            IsTransient = isTransient ?? ImageGenerationException.IsTransientKind(kind),
            RateLimit = response.RateLimit,
        };
    }

    /// <summary>Builds the exception for a failure found in a response that arrived (a 200 with no image, a refusal, an unreadable body).</summary>
    /// <param name="response">The response.</param>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">The complete message (keys are removed).</param>
    /// <param name="errorCode">The provider's code or reason (for example a <c>finishReason</c>).</param>
    /// <param name="isTransient">Overrides the kind's default transience.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception, with status, request id and rate limit.</returns>
    protected internal ImageGenerationException CreateResponseFailure(HttpResponseMessage response, ImageGenerationErrorKind kind, string message, string? errorCode = null, bool? isTransient = null, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(message);
        return new ImageGenerationException(kind, Redact(message), innerException)
        {
            Provider = ProviderName,
            StatusCode = (int)response.StatusCode,
            ProviderErrorCode = errorCode,
            ProviderRequestId = ReadRequestId(response.Headers),
            IsTransient = isTransient ?? ImageGenerationException.IsTransientKind(kind),
            RateLimit = ReadRateLimit(response.Headers),
        };
    }

    /// <summary>Gets the delay an error response asks for. The default reads the headers; override to read a body field (Gemini's <c>RetryInfo.retryDelay</c>, with <see cref="RetryAfterParser.FromDuration"/>).</summary>
    /// <param name="response">The error response.</param>
    /// <returns>The delay, or <see langword="null"/>.</returns>
    protected virtual TimeSpan? ReadRetryAfter(ProviderErrorResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.RetryAfter;
    }

    /// <summary>Reads the provider's request id. The default reads <c>x-request-id</c>, then <c>request-id</c>.</summary>
    /// <param name="headers">The response headers.</param>
    /// <returns>The id, or <see langword="null"/>.</returns>
    protected virtual string? ReadRequestId(HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.TryGetValues("x-request-id", out IEnumerable<string>? ids) || headers.TryGetValues("request-id", out ids) ? ids.FirstOrDefault() : null;
    }

    /// <summary>Reads the rate-limit state a response reports, carried on failures. The default reads none.</summary>
    /// <param name="headers">The response headers.</param>
    /// <returns>The state, or <see langword="null"/>.</returns>
    protected virtual ProviderRateLimitInfo? ReadRateLimit(HttpResponseHeaders headers) => null;

    private async Task<ProviderErrorResponse> ReadErrorAsync(HttpResponseMessage response, string? requestId, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> body = default;
        try
        {
            Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using PooledByteBuffer buffer = new(4096);
                await BoundedBody.CopyAsync(stream, buffer, ProviderErrorResponse.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
                body = buffer.ToArray();
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
        {
            // The status alone still classifies the failure; an unreadable error body adds nothing.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Same: a time-out while reading an error body must not hide the error itself.
        }

        return new ProviderErrorResponse((int)response.StatusCode, response.Headers, body, response.Content.Headers.ContentType?.MediaType)
        {
            RequestId = requestId,
            RetryAfter = RetryAfterParser.FromHeaders(response.Headers, TimeProvider),
            RateLimit = ReadRateLimit(response.Headers),
        };
    }
}
