namespace ImageGen.Sdk;

/// <summary>The provider types this package ships (<c>ImageGeneration:Providers:{name}:Type</c>).</summary>
public static class ImageProviderTypes
{
    /// <summary>OpenAI, or any OpenAI-compatible gateway through <see cref="ImageProviderOptions.BaseUrl"/>.</summary>
    public const string OpenAI = "OpenAI";

    /// <summary>Azure OpenAI (deployment URL, <c>api-key</c> header).</summary>
    public const string AzureOpenAI = "AzureOpenAI";

    /// <summary>The built-in offline provider: deterministic PNGs, no network.</summary>
    public const string Local = "Local";
}
