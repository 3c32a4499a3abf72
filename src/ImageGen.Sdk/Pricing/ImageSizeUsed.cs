namespace ImageGen.Sdk.Pricing;

/// <summary>The size a request without one will get, for the layers that must judge it before the call (costs, user quotas).</summary>
internal static class ImageSizeUsed
{
    /// <summary>
    /// Gets the model's default size; for a model that picks the size itself (no default, such as GPT image models
    /// with <c>auto</c>) the largest size it lists, so estimates and limits err on the safe side.
    /// </summary>
    /// <param name="model">The model's capabilities, or <see langword="null"/> when the SDK does not know the model.</param>
    /// <returns>The size, or <see langword="null"/> when it cannot be known.</returns>
    public static ImageSize? ByDefault(ImageModelCapabilities? model)
    {
        if (model is null || model.DefaultSize is not null)
        {
            return model?.DefaultSize;
        }

        ImageSize? largest = null;
        foreach (ImageSize listed in model.SupportedSizes)
        {
            largest = largest is null || listed.Pixels > largest.Value.Pixels ? listed : largest;
        }

        return largest;
    }
}
