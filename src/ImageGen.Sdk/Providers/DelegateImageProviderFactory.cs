namespace ImageGen.Sdk.Providers;

/// <summary>
/// The provider type behind <see cref="ImageGenerationBuilder.AddProviderType"/>: creates clients with a delegate and
/// describes the provider (default model, model capabilities) from a client's own <see cref="ImageGeneratorMetadata"/>,
/// so a provider written outside this package needs no factory class.
/// </summary>
internal sealed class DelegateImageProviderFactory : IImageProviderFactory
{
    /// <summary>The key a client is created with only to read its metadata: it never sends a request.</summary>
    private const string DescribeOnlyKey = "describe-only";

    private readonly Func<ImageProviderContext, IImageGenerator> _create;
    private readonly IServiceProvider _services;

    public DelegateImageProviderFactory(string providerType, bool requiresApiKey, Func<ImageProviderContext, IImageGenerator> create, IServiceProvider services)
    {
        ProviderType = providerType;
        RequiresApiKey = requiresApiKey;
        _create = create;
        _services = services;
    }

    public string ProviderType { get; }

    public bool RequiresApiKey { get; }

    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
    }

    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
    {
        IReadOnlyList<string> keys = options.GetAllApiKeys();
        IImageGenerator client = _create(new ImageProviderContext(name, options, keys.Count > 0 ? keys[0] : DescribeOnlyKey, _services));
        try
        {
            ImageGeneratorMetadata metadata = client.GetService<ImageGeneratorMetadata>()
                ?? throw new InvalidOperationException($"The client of provider type '{ProviderType}' ({client.GetType().Name}) answers no ImageGeneratorMetadata from GetService; HttpImageGenerator does, a custom IImageGenerator must.");
            return new ImageProviderDescriptor(name, ProviderType, options.DefaultModel ?? metadata.DefaultModel, metadata.Models);
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }

    public IImageGenerator Create(ImageProviderContext context) => _create(context);
}
