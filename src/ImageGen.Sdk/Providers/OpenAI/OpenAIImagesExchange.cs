using System.Globalization;
using System.Net.Http.Headers;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// The part of an Images API call the OpenAI and Azure OpenAI clients share once their request message is built:
/// send it through the toolkit, stream-parse the body, download URL results, and map errors and headers.
/// </summary>
internal static class OpenAIImagesExchange
{
    /// <summary>Sends the request and builds the result.</summary>
    /// <param name="client">The client (OpenAI or Azure) the toolkit calls go through.</param>
    /// <param name="message">The request with URL, credentials and body.</param>
    /// <param name="model">The model (or Azure deployment) the result reports.</param>
    /// <param name="request">The request.</param>
    /// <param name="warnings">Notes for the result.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result.</returns>
    public static async Task<ImageGenerationResult> SendAsync(HttpImageGenerator client, HttpRequestMessage message, string model, ImageGenerationRequest request, IReadOnlyList<string> warnings, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        string? requestId = ReadRequestId(response.Headers);

        // Read before anything can fail: the layers above slow down from what the headers say.
        ProviderRateLimitInfo? rateLimit = OpenAIRateLimitHeaders.Read(response.Headers);
        OpenAIParsedResponse parsed = await client.ReadBodyAsync(response, OpenAIImagesResponseReader.ReadAsync, cancellationToken).ConfigureAwait(false);
        List<GeneratedImage> images = await BuildImagesAsync(client, response, parsed, request, requestId, cancellationToken).ConfigureAwait(false);
        return new ImageGenerationResult(images, client.ProviderName, model)
        {
            Usage = MapUsage(parsed.Response.Usage),
            ProviderRequestId = requestId,
            Attempts = 1,
            Warnings = warnings,
            RateLimit = rateLimit,
        };
    }

    /// <summary>Maps an Images API error response (see <see cref="OpenAIErrorClassifier"/>).</summary>
    /// <param name="client">The client.</param>
    /// <param name="response">The error response.</param>
    /// <returns>The exception.</returns>
    public static ImageGenerationException CreateError(HttpImageGenerator client, ProviderErrorResponse response)
    {
        OpenAIError? error = response.ReadJson(OpenAIJsonContext.Default.OpenAIErrorEnvelope)?.Error;
        OpenAIErrorClassifier.Mapping mapping = OpenAIErrorClassifier.Map(response, error);
        return client.CreateError(response, mapping.Kind, mapping.Code, error?.Message, mapping.IsTransient, mapping.RetryAfter);
    }

    /// <summary>Reads <c>x-request-id</c> (OpenAI), then <c>apim-request-id</c> (Azure).</summary>
    /// <param name="headers">The response headers.</param>
    /// <returns>The id, or <see langword="null"/>.</returns>
    public static string? ReadRequestId(HttpResponseHeaders headers)
        => headers.TryGetValues("x-request-id", out IEnumerable<string>? ids) || headers.TryGetValues("apim-request-id", out ids)
            ? ids.FirstOrDefault()
            : null;

    private static ImageUsage? MapUsage(OpenAIImageUsage? usage) => usage is null ? null : new ImageUsage
    {
        InputTokens = usage.InputTokens,
        OutputTokens = usage.OutputTokens,
        TotalTokens = usage.TotalTokens,
        InputTextTokens = usage.InputTokensDetails?.TextTokens,
        InputImageTokens = usage.InputTokensDetails?.ImageTokens,
    };

    private static async Task<List<GeneratedImage>> BuildImagesAsync(HttpImageGenerator client, HttpResponseMessage response, OpenAIParsedResponse parsed, ImageGenerationRequest request, string? requestId, CancellationToken cancellationToken)
    {
        string provider = client.ProviderName;
        if (parsed.Response.Data is not { Count: > 0 } data)
        {
            throw client.CreateResponseFailure(response, ImageGenerationErrorKind.InvalidResponse, $"{provider} returned no images.");
        }

        Task<ReadOnlyMemory<byte>>[] bytes = new Task<ReadOnlyMemory<byte>>[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            OpenAIImageData item = data[i];
            bytes[i] = TryGetDecoded(item.Base64Json, parsed.Images, out ReadOnlyMemory<byte> decoded) ? Task.FromResult(decoded)
                : !string.IsNullOrWhiteSpace(item.Url) ? client.DownloadAsync(item.Url, requestId, cancellationToken)
                : throw client.CreateResponseFailure(response, ImageGenerationErrorKind.InvalidResponse, string.Create(CultureInfo.InvariantCulture, $"{provider} returned image {i} with neither b64_json nor url."));
        }

        ReadOnlyMemory<byte>[] all = await Task.WhenAll(bytes).ConfigureAwait(false);
        ImageSize? reportedSize = ImageSize.TryParse(parsed.Response.Size, out ImageSize parsedSize) ? parsedSize : null;
        string? mediaType = ImageMediaTypes.FromExtension(parsed.Response.OutputFormat ?? request.OutputFormat?.Value);
        List<GeneratedImage> images = new(all.Length);
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i].IsEmpty)
            {
                throw client.CreateResponseFailure(response, ImageGenerationErrorKind.InvalidResponse, string.Create(CultureInfo.InvariantCulture, $"{provider} returned image {i} with no bytes."));
            }

            string? url = data[i].Url;
            Uri? source = url is not null && !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(url, UriKind.Absolute, out Uri? u) ? u : null;
            images.Add(HttpImageGenerator.CreateImage(all[i], mediaType, reportedSize ?? request.Size, data[i].RevisedPrompt, source));
        }

        return images;
    }

    private static bool TryGetDecoded(string? placeholder, IReadOnlyList<ReadOnlyMemory<byte>> images, out ReadOnlyMemory<byte> image)
    {
        if (placeholder is ['#', .. string index]
            && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k < images.Count)
        {
            image = images[k];
            return true;
        }

        image = default;
        return false;
    }
}
