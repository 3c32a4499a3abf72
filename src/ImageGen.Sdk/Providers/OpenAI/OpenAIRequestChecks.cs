namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>Request checks and notes shared by the OpenAI and Azure OpenAI clients.</summary>
internal static class OpenAIRequestChecks
{
    /// <summary>Rejects what the clients cannot send yet, before any network call.</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ArgumentException">The request is an edit (input images or a mask), or its prompt is blank.</exception>
    public static void ThrowIfUnsupported(ImageGenerationRequest request)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Prompt, $"{nameof(request)}.{nameof(request.Prompt)}");
        if (request.InputImages is { Count: > 0 } || request.Mask is not null)
        {
            throw new ArgumentException(
                "Image edits (InputImages, Mask) are not supported by this provider yet; send a request without them.",
                $"{nameof(request)}.{nameof(request.InputImages)}");
        }
    }

    /// <summary>Notes about request fields the Images API has no parameter for.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The warnings (empty when none).</returns>
    public static IReadOnlyList<string> Warnings(ImageGenerationRequest request)
    {
        if (request.NegativePrompt is null && request.Seed is null && request.AspectRatio is null)
        {
            return [];
        }

        List<string> warnings = [];
        if (request.NegativePrompt is not null)
        {
            warnings.Add("NegativePrompt was ignored: the OpenAI Images API has no negative prompt.");
        }

        if (request.Seed is not null)
        {
            warnings.Add("Seed was ignored: the OpenAI Images API does not take a seed.");
        }

        if (request.AspectRatio is not null && request.Size is null)
        {
            warnings.Add("AspectRatio was ignored: the OpenAI Images API takes a Size; the model's default size was used.");
        }

        return warnings;
    }
}
