namespace ImageGen.Sdk.Extensions.AI;

/// <summary>
/// The keys of <c>Microsoft.Extensions.AI.ImageGenerationOptions.AdditionalProperties</c> the bridge maps to
/// <see cref="ImageGenerationRequest"/> fields (keys ignore case). Any other key becomes a
/// <see cref="ImageGenerationRequest.ProviderOptions"/> entry, written as-is into the provider's request body.
/// </summary>
/// <remarks>
/// Going the other way (an ImageGen.Sdk request sent to a Microsoft.Extensions.AI generator), the bridge writes
/// <see cref="Quality"/>, <see cref="Style"/>, <see cref="Seed"/>, <see cref="NegativePrompt"/>,
/// <see cref="AspectRatio"/>, <see cref="User"/>, <see cref="Mask"/> and every provider option into
/// <c>AdditionalProperties</c>; the keys that steer the ImageGen.Sdk stack itself (provider, cache, retries,
/// fallback) are not sent.
/// </remarks>
public static class MeaiAdditionalProperties
{
    /// <summary><c>provider</c>: the configured provider to route to (a string) — <see cref="ImageGenerationRequest.Provider"/>.</summary>
    public const string Provider = "provider";

    /// <summary><c>quality</c>: <c>low</c>, <c>medium</c>, <c>high</c>, <c>hd</c>, … (a string or <see cref="ImageQuality"/>) — <see cref="ImageGenerationRequest.Quality"/>.</summary>
    public const string Quality = "quality";

    /// <summary><c>style</c>: <c>vivid</c> or <c>natural</c> (a string or <see cref="ImageStyle"/>) — <see cref="ImageGenerationRequest.Style"/>.</summary>
    public const string Style = "style";

    /// <summary><c>seed</c>: an integer (or its text) — <see cref="ImageGenerationRequest.Seed"/>.</summary>
    public const string Seed = "seed";

    /// <summary><c>negative_prompt</c>: what the image should not contain — <see cref="ImageGenerationRequest.NegativePrompt"/>.</summary>
    public const string NegativePrompt = "negative_prompt";

    /// <summary><c>aspect_ratio</c>: for example <c>16:9</c> — <see cref="ImageGenerationRequest.AspectRatio"/>.</summary>
    public const string AspectRatio = "aspect_ratio";

    /// <summary><c>user</c>: the end user or tenant (quotas, budgets) — <see cref="ImageGenerationRequest.User"/>.</summary>
    public const string User = "user";

    /// <summary><c>mask</c>: a <c>DataContent</c> image whose transparent areas an edit repaints — <see cref="ImageGenerationRequest.Mask"/>.</summary>
    public const string Mask = "mask";

    /// <summary><c>cache</c>: <c>Default</c>, <c>Bypass</c> or <c>Refresh</c> (a string or <see cref="CacheMode"/>) — <see cref="ImageGenerationRequest.Cache"/>.</summary>
    public const string Cache = "cache";

    /// <summary><c>max_retries</c>: retries for this call, 0 disables — <see cref="ImageGenerationRequest.MaxRetries"/>.</summary>
    public const string MaxRetries = "max_retries";

    /// <summary><c>allow_fallback</c>: a request naming a provider may still fall back — <see cref="ImageGenerationRequest.AllowFallback"/>.</summary>
    public const string AllowFallback = "allow_fallback";

    /// <summary><c>revised_prompt</c>: set on a result's <c>DataContent.AdditionalProperties</c> when the provider rewrote the prompt.</summary>
    public const string RevisedPrompt = "revised_prompt";
}
