namespace ImageGen.Sdk.Providers;

/// <summary>The shared client settings taken from an <see cref="ImageProviderContext"/> (the DI-configured provider).</summary>
internal sealed class ContextHttpImageGeneratorOptions : HttpImageGeneratorOptions
{
    public ContextHttpImageGeneratorOptions(ImageProviderContext context)
        : base(context.Name)
    {
        ApiKey = context.ApiKey;
        MaxDownloadBytes = context.MaxDownloadBytes;
        MaxResponseBytes = context.MaxResponseBytes;
    }
}
