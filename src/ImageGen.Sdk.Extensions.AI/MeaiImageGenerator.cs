using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI;

/// <summary>
/// A Microsoft.Extensions.AI image generator over an ImageGen.Sdk generator (usually the whole stack): every call
/// passes through the cache, retry, limits, keys and fallback below it.
/// </summary>
/// <remarks>It does not own the generator it wraps (under DI that is the container's), so disposing it disposes nothing.</remarks>
internal sealed class MeaiImageGenerator : Meai.IImageGenerator
{
    private readonly IImageGenerator _inner;
    private Meai.ImageGeneratorMetadata? _metadata;

    public MeaiImageGenerator(IImageGenerator inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc />
    public async Task<Meai.ImageGenerationResponse> GenerateAsync(
        Meai.ImageGenerationRequest request,
        Meai.ImageGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ImageGenerationRequest mapped = MeaiRequestMapper.ToImageGen(request, options, this);
        ImageGenerationResult result = await _inner.GenerateAsync(mapped, cancellationToken).ConfigureAwait(false);
        return MeaiRequestMapper.ToResponse(result);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(Meai.ImageGeneratorMetadata))
            {
                return _metadata ??= CreateMetadata();
            }

            if (serviceType.IsInstanceOfType(this))
            {
                return this;
            }

            if (serviceType.IsInstanceOfType(_inner))
            {
                return _inner;
            }
        }

        return _inner.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing owned: see the remarks.
    }

    private Meai.ImageGeneratorMetadata CreateMetadata()
    {
        // The stack's default provider describes it; a generator that answers nothing is still "imagegen".
        ImageGeneratorMetadata? ours = _inner.GetService<ImageGeneratorMetadata>();
        return new Meai.ImageGeneratorMetadata(ours?.ProviderName ?? "imagegen", ours?.BaseUrl, ours?.DefaultModel);
    }
}
