using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI;

/// <summary>
/// An ImageGen.Sdk provider client over a Microsoft.Extensions.AI image generator: one call per
/// <see cref="GenerateAsync"/>, failures classified into <see cref="ImageGenerationException"/> kinds, so the layers
/// above (cache, retry, breaker, limits, keys, fallback) treat it like any built-in provider.
/// </summary>
/// <remarks>It does not own the generator it wraps, so it is not disposable.</remarks>
internal sealed class MeaiProviderImageGenerator : IImageGenerator
{
    private readonly Meai.IImageGenerator _inner;
    private readonly string _name;
    private readonly Func<Exception, ImageGenerationException?>? _classify;
    private readonly TimeProvider _timeProvider;
    private readonly ImageGeneratorMetadata _metadata;

    public MeaiProviderImageGenerator(Meai.IImageGenerator inner, string name, MeaiProviderOptions options, TimeProvider? timeProvider)
    {
        _inner = inner;
        _name = name;
        _classify = options.ClassifyException;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Meai.ImageGeneratorMetadata? theirs = inner.GetService(typeof(Meai.ImageGeneratorMetadata)) as Meai.ImageGeneratorMetadata;
        _metadata = new ImageGeneratorMetadata(
            name,
            MeaiImageProviderFactory.ProviderTypeName,
            options.DefaultModel ?? NonBlank(theirs?.DefaultModelId) ?? MeaiProviderOptions.UnnamedModel,
            [.. options.Models],
            theirs?.ProviderUri);
    }

    /// <inheritdoc />
    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        (Meai.ImageGenerationRequest meaiRequest, Meai.ImageGenerationOptions meaiOptions) = MeaiRequestMapper.ToMeai(request);
        long started = _timeProvider.GetTimestamp();
        Meai.ImageGenerationResponse response;
        try
        {
            response = await _inner.GenerateAsync(meaiRequest, meaiOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MeaiExceptionMapper.Map(ex, _name, _classify, cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        List<GeneratedImage> images = [];
        foreach (Meai.AIContent content in response.Contents)
        {
            switch (content)
            {
                case Meai.DataContent data when data.HasTopLevelMediaType("image") || ImageMediaTypes.Detect(data.Data.Span) is not null:
                    images.Add(new GeneratedImage(data.Data, data.HasTopLevelMediaType("image") ? data.MediaType : ImageMediaTypes.Detect(data.Data.Span)!)
                    {
                        RevisedPrompt = data.AdditionalProperties?.GetValueOrDefault(MeaiAdditionalProperties.RevisedPrompt) as string,
                    });
                    break;
                case Meai.UriContent uri:
                    // Remote URLs expire and would need a credential-free, size-capped download; the bridge asks for bytes.
                    throw new ImageGenerationException(
                        ImageGenerationErrorKind.InvalidResponse,
                        $"{_name}: the generator returned an image URL ({uri.Uri.Scheme}) although bytes were asked for (ResponseFormat = Data); the bridge takes DataContent only.")
                    { Provider = _name };
            }
        }

        if (images.Count == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidResponse, $"{_name}: the generator returned no image.") { Provider = _name };
        }

        return new ImageGenerationResult(images, _name, request.Model ?? _metadata.DefaultModel)
        {
            Usage = response.Usage is { } usage
                ? new ImageUsage
                {
                    InputTokens = usage.InputTokenCount,
                    InputTextTokens = usage.InputTextTokenCount,
                    OutputTokens = usage.OutputTokenCount,
                    TotalTokens = usage.TotalTokenCount,
                }
                : null,
            Elapsed = _timeProvider.GetElapsedTime(started),
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(ImageGeneratorMetadata))
            {
                return _metadata;
            }

            if (serviceType.IsInstanceOfType(this))
            {
                return this;
            }
        }

        // What the Microsoft.Extensions.AI generator offers (its metadata, its SDK client) stays reachable.
        return _inner.GetService(serviceType, serviceKey);
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
