namespace ImageGen.Sdk.Batching;

/// <summary>
/// Splits a request whose <see cref="ImageGenerationRequest.Count"/> exceeds the model's per-call limit (DALL·E 3 and
/// Gemini: one image per call) into parallel calls of at most that many images, and merges the results into one.
/// </summary>
/// <remarks>
/// It sits per provider, above retry, so each part is retried on its own and a fallback provider splits by its own
/// limit. If any part fails the whole call fails and the other parts are cancelled: a partial result would be
/// cached and billed as if complete.
/// </remarks>
public sealed class CountSplittingImageGenerator : DelegatingImageGenerator
{
    private readonly ImageProviderDescriptor _provider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The provider pipeline.</param>
    /// <param name="provider">The provider's descriptor, for per-model limits.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public CountSplittingImageGenerator(IImageGenerator innerGenerator, ImageProviderDescriptor provider)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
    }

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int perCall = Math.Max(1, _provider.GetModel(request.Model)?.MaxImagesPerCall ?? int.MaxValue);
        if (request.Count <= perCall)
        {
            return await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        List<Task<ImageGenerationResult>> parts = [];
        for (int remaining = request.Count; remaining > 0; remaining -= perCall)
        {
            // A seeded request must not yield identical parts: each part starts at the seed of its first image.
            long? seed = request.Seed is long first ? unchecked(first + (request.Count - remaining)) : null;
            ImageGenerationRequest part = request with { Count = Math.Min(perCall, remaining), Seed = seed };
            parts.Add(GeneratePartAsync(part, linked));
        }

        ImageGenerationResult[] results = await Task.WhenAll(parts).ConfigureAwait(false);
        return Merge(results);
    }

    private async Task<ImageGenerationResult> GeneratePartAsync(ImageGenerationRequest part, CancellationTokenSource linked)
    {
        try
        {
            return await base.GenerateAsync(part, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            // One failed part fails the whole call: stop paying for the others.
            await linked.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static ImageGenerationResult Merge(ImageGenerationResult[] results)
    {
        ImageGenerationResult first = results[0];
        List<GeneratedImage> images = [];
        List<string> warnings = [];
        decimal? cost = null;
        long? input = null, inputText = null, inputImage = null, output = null, total = null;
        int attempts = 0;
        TimeSpan elapsed = TimeSpan.Zero;
        foreach (ImageGenerationResult result in results)
        {
            images.AddRange(result.Images);
            warnings.AddRange(result.Warnings);
            cost = Add(cost, result.EstimatedCostUsd);
            input = AddTokens(input, result.Usage?.InputTokens);
            inputText = AddTokens(inputText, result.Usage?.InputTextTokens);
            inputImage = AddTokens(inputImage, result.Usage?.InputImageTokens);
            output = AddTokens(output, result.Usage?.OutputTokens);
            total = AddTokens(total, result.Usage?.TotalTokens);
            attempts += result.Attempts;
            elapsed = elapsed > result.Elapsed ? elapsed : result.Elapsed;
        }

        return new ImageGenerationResult(first)
        {
            Images = images,
            Warnings = warnings.Distinct(StringComparer.Ordinal).ToList(),
            EstimatedCostUsd = cost,
            Usage = input is null && inputText is null && inputImage is null && output is null && total is null
                ? null
                : new ImageUsage { InputTokens = input, InputTextTokens = inputText, InputImageTokens = inputImage, OutputTokens = output, TotalTokens = total },
            Attempts = attempts,
            Elapsed = elapsed,
        };

        static decimal? Add(decimal? sum, decimal? value) => value is null ? sum : (sum ?? 0) + value;
        static long? AddTokens(long? sum, long? value) => value is null ? sum : (sum ?? 0) + value;
    }
}
