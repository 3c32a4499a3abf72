namespace ImageGen.Sdk.Providers;

/// <summary>
/// Pins every request to one provider. It backs the keyed service <c>[FromKeyedServices("openai")] IImageGenerator</c>:
/// a request without a provider name goes to the pinned provider, and a request naming another provider is refused
/// rather than silently routed elsewhere.
/// </summary>
/// <remarks>
/// The inner stack is shared by the default <see cref="IImageGenerator"/> and every keyed generator, so disposing this
/// wrapper never disposes it; the stack's owner (the DI container) does.
/// </remarks>
internal sealed class PinnedProviderImageGenerator : DelegatingImageGenerator
{
    private readonly string _provider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The full stack, shared with other generators and not owned by this one.</param>
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
    /// <exception cref="ArgumentException">The request names a provider other than <see cref="Provider"/> (compared case-insensitively).</exception>
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Provider is null)
        {
            return base.GenerateAsync(request with { Provider = _provider }, cancellationToken);
        }

        return string.Equals(request.Provider, _provider, StringComparison.OrdinalIgnoreCase)
            ? base.GenerateAsync(request, cancellationToken)
            : throw new ArgumentException(
                $"This generator is pinned to provider '{_provider}' but the request names provider '{request.Provider}'. Leave Provider unset, or use the generator of provider '{request.Provider}'.",
                $"{nameof(request)}.{nameof(request.Provider)}");
    }

    /// <summary>
    /// Answers as the pinned provider: an unkeyed request for <see cref="ImageGeneratorMetadata"/> is the pinned
    /// provider's metadata (asked of the stack with the provider name as the key); anything else as
    /// <see cref="DelegatingImageGenerator.GetService"/> does.
    /// </summary>
    /// <param name="serviceType">The type of object being requested.</param>
    /// <param name="serviceKey">An optional key that narrows the request.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ImageGeneratorMetadata)
            ? InnerGenerator.GetService(serviceType, _provider) ?? InnerGenerator.GetService(serviceType)
            : base.GetService(serviceType, serviceKey);
    }

    /// <summary>Does nothing: the shared inner stack outlives any one pinned view of it.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="DelegatingImageGenerator.Dispose()"/>.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2215:Dispose methods should call base class dispose", Justification = "The base would dispose the shared stack, which this view does not own.")]
    protected override void Dispose(bool disposing)
    {
    }
}
