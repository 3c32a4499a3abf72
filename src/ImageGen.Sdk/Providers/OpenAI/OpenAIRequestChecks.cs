namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>Request checks and notes shared by the OpenAI and Azure OpenAI clients.</summary>
internal static class OpenAIRequestChecks
{
    /// <summary>The most input images the Images API takes in one edit (GPT image models).</summary>
    public const int MaxInputImages = 16;

    /// <summary>
    /// Rejects requests the Images API cannot express, before any network call. The toolkit has already checked the
    /// prompt, the count, the model's sizes and that a mask comes with input images.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ArgumentException">There are more than 16 input images.</exception>
    public static void ThrowIfUnsupported(ImageGenerationRequest request)
    {
        if (request.InputImages is { Count: > MaxInputImages })
        {
            throw new ArgumentException(
                $"The Images API takes at most {MaxInputImages} input images per edit; the request has {request.InputImages.Count}.",
                $"{nameof(request)}.{nameof(request.InputImages)}");
        }
    }

    /// <summary>
    /// Notes about request fields that are not sent: those the Images API has no parameter for, and those the model
    /// does not take (<see cref="OpenAIRequestWriter"/> leaves them out by the same rules). A field the caller also set
    /// in <see cref="ImageGenerationRequest.ProviderOptions"/> is sent from there and needs no note.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="modelFamily">The model whose rules shape the body (the model behind an Azure deployment).</param>
    /// <returns>The warnings (empty when none).</returns>
    public static IReadOnlyList<string> Warnings(ImageGenerationRequest request, string modelFamily)
    {
        bool isEdit = request.InputImages is { Count: > 0 };
        bool dropsStyle = request.Style is not null && (isEdit || !OpenAIModelCatalog.TakesStyle(modelFamily)) && !Overridden(request, "style");
        bool dropsFormat = request.OutputFormat is not null && !OpenAIModelCatalog.TakesOutputFormat(modelFamily) && !Overridden(request, "output_format");
        if (request.NegativePrompt is null && request.Seed is null && request.AspectRatio is null && !dropsStyle && !dropsFormat)
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

        if (dropsStyle)
        {
            warnings.Add(isEdit
                ? "Style was ignored: image edits take no style."
                : OpenAIModelCatalog.Find(modelFamily) is null
                    ? $"Style was not sent: '{modelFamily}' is not a model known to take a style (only dall-e-3 does; for an Azure deployment name the model behind it: ImageGeneration:Providers:{{name}}:DefaultModel, or AzureOpenAIImageGeneratorOptions.Model). Set ProviderOptions[\"style\"] to send it anyway."
                    : $"Style was not sent: model '{modelFamily}' takes no style (only dall-e-3 does).");
        }

        if (dropsFormat)
        {
            warnings.Add($"OutputFormat was not sent: model '{modelFamily}' takes no output_format and returns PNG.");
        }

        return warnings;
    }

    private static bool Overridden(ImageGenerationRequest request, string field)
        => request.ProviderOptions is { } extra && extra.ContainsKey(field);
}
