using ImageGen.Sdk;

namespace ImageGen.Samples.WebApi;

/// <summary>The body of <c>POST /images</c>: <c>{ "prompt": "...", "size": "512x512", "quality": "high" }</c>.</summary>
internal sealed record ImageRequest(string? Prompt, string? Size = null, string? Quality = null)
{
    /// <summary>Maps the body; a malformed size is a caller mistake (400), like an empty prompt.</summary>
    public ImageGenerationRequest ToGenerationRequest()
    {
        ImageSize? size = null;
        if (Size is not null)
        {
            size = ImageSize.TryParse(Size, out ImageSize parsed)
                ? parsed
                : throw new ArgumentException("Size must be WIDTHxHEIGHT, for example 512x512.", nameof(Size));
        }

        return new ImageGenerationRequest(Prompt ?? string.Empty)
        {
            Size = size,
            Quality = Quality is null ? (ImageQuality?)null : ImageQuality.Parse(Quality),
        };
    }
}
