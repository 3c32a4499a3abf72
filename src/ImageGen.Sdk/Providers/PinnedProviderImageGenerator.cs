namespace ImageGen.Sdk.Providers;

/// <summary>
/// Routes every request without a provider name to one fixed provider. It backs the keyed service
/// <c>[FromKeyedServices("openai")] IImageGenerator</c>.
/// </summary>
public sealed class PinnedProviderImageGenerator : DelegatingImageGenerator
{
    private readonly string _provider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The full stack.</param>
    /// <param name="provider">The provider name requests are pinned to.</param>
    public PinnedProviderImageGenerator(IImageGenerator innerGenerator, string provider)
        : base(innerGenerator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        _provider = provider;
    }

    /// <summary>Gets the provider name requests are pinned to.</summary>
    public string Provider => _provider;

    /// <inheritdoc />
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return base.GenerateAsync(request.Provider is null ? request with { Provider = _provider } : request, cancellationToken);
    }
}
