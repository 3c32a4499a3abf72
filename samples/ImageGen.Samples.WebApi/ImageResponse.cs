using ImageGen.Sdk;

namespace ImageGen.Samples.WebApi;

/// <summary>The JSON answer of <c>POST /images</c>: the image as a data URL and how it was obtained.</summary>
internal sealed record ImageResponse(
    string Image,
    string MediaType,
    int? Width,
    int? Height,
    string Provider,
    string Model,
    bool FromCache,
    int Attempts,
    decimal? EstimatedCostUsd,
    double ElapsedMs,
    IReadOnlyList<string> Warnings)
{
    public static ImageResponse From(ImageGenerationResult result)
    {
        GeneratedImage image = result.Images[0];
        return new ImageResponse(
            $"data:{image.MediaType};base64,{Convert.ToBase64String(image.Data.Span)}",
            image.MediaType,
            image.Width,
            image.Height,
            result.Provider,
            result.Model,
            result.FromCache,
            result.Attempts,
            result.EstimatedCostUsd,
            result.Elapsed.TotalMilliseconds,
            result.Warnings);
    }
}
