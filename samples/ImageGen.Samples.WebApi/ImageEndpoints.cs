using ImageGen.Sdk;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageGen.Samples.WebApi;

/// <summary>The <c>POST /images</c> endpoint.</summary>
internal static class ImageEndpoints
{
    /// <summary>
    /// Generates one image. Answers the image bytes (metadata in <c>X-ImageGen-*</c> headers), or JSON with the image as
    /// a data URL when the client accepts <c>application/json</c>. Caller mistakes and provider failures are thrown:
    /// the problem-details handler turns them into the right status.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, Ok<ImageResponse>>> GenerateAsync(ImageRequest body, HttpContext http, IImageGenerator images, CancellationToken ct)
    {
        ImageGenerationResult result = await images.GenerateAsync(body.ToGenerationRequest(), ct);
        if (http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Ok(ImageResponse.From(result));
        }

        GeneratedImage image = result.Images[0];
        IHeaderDictionary headers = http.Response.Headers;
        headers["X-ImageGen-Provider"] = result.Provider;
        headers["X-ImageGen-Model"] = result.Model;
        headers["X-ImageGen-From-Cache"] = result.FromCache ? "true" : "false";
        if (result.EstimatedCostUsd is { } cost)
        {
            headers["X-ImageGen-Estimated-Cost-Usd"] = cost.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.File(image.Data.ToArray(), image.MediaType);
    }
}
