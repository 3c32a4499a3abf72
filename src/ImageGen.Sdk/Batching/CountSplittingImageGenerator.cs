namespace ImageGen.Sdk.Batching;

/// <summary>
/// Splits a request whose <see cref="ImageGenerationRequest.Count"/> exceeds the model's per-call limit (DALL·E 3 and
/// Gemini: one image per call) into parallel calls of at most that many images, and merges the results into one.
/// </summary>
/// <remarks>
/// <para>
/// It sits per provider, above retry, so each part is retried on its own and a fallback provider splits by its own
/// limit. If any part fails the whole call fails and the other parts are cancelled: a partial result would be
/// cached and billed as if complete. The per-call limits come from the <see cref="ImageGeneratorMetadata"/> the
/// pipeline below answers (<c>GetService</c>; every provider client does): without it, nothing is split.
/// </para>
/// <para>
/// The merged result's <see cref="ImageGenerationResult.Attempts"/> is the most any part needed, not their sum: the
/// parts ran side by side, and attempts count retries of one call. A failed call's exception carries the most
/// attempts any part had made by then, likewise.
/// </para>
/// </remarks>
public sealed class CountSplittingImageGenerator : DelegatingImageGenerator
{
    private readonly ImageGeneratorMetadata? _provider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The provider pipeline; its <see cref="ImageGeneratorMetadata"/> gives the per-model limits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    public CountSplittingImageGenerator(IImageGenerator innerGenerator)
        : base(innerGenerator)
    {
        _provider = innerGenerator.GetService<ImageGeneratorMetadata>();
    }

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int perCall = Math.Max(1, _provider?.GetModel(request.Model)?.MaxImagesPerCall ?? int.MaxValue);
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

        try
        {
            return Merge(await Task.WhenAll(parts).ConfigureAwait(false));
        }
        catch (ImageGenerationException failure)
        {
            // The failure of one part, not a sum over parts that ran side by side: the most any part needed.
            failure.Attempts = parts.Aggregate(failure.Attempts, (most, part) => Math.Max(most, AttemptsOf(part)));
            throw;
        }
    }

    /// <summary>The attempts a finished part made: its result's, or its failure's.</summary>
    private static int AttemptsOf(Task<ImageGenerationResult> part) => part.Status switch
    {
        TaskStatus.RanToCompletion => part.Result.Attempts,
        TaskStatus.Faulted when part.Exception!.InnerException is ImageGenerationException failure => failure.Attempts,
        _ => 0,
    };

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
            attempts = Math.Max(attempts, result.Attempts);
            elapsed = elapsed > result.Elapsed ? elapsed : result.Elapsed;
        }

        return new ImageGenerationResult(first)
        {
            Images = images,
            Warnings = warnings.Distinct(StringComparer.Ordinal).ToList(),
            EstimatedCostUsd = cost,
            IsCostEstimated = results.Any(r => r.IsCostEstimated),
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
