namespace ImageGen.Sdk.Caching;

/// <summary>
/// One cached result: the image bytes and their metadata, the provider and model that made them, the cost they
/// saved, and when the entry stops being fresh and stops being kept.
/// </summary>
public sealed class ImageCacheEntry
{
    private readonly decimal? _estimatedCostUsd;

    /// <summary>Initializes a new entry.</summary>
    /// <param name="images">The images, with their bytes (never only a URL).</param>
    /// <param name="provider">The provider that produced them.</param>
    /// <param name="model">The model that produced them.</param>
    /// <exception cref="ArgumentNullException"><paramref name="images"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="provider"/> or <paramref name="model"/> is blank.</exception>
    public ImageCacheEntry(IReadOnlyList<GeneratedImage> images, string provider, string model)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        Images = images;
        Provider = provider;
        Model = model;
        long bytes = 0;
        foreach (GeneratedImage image in images)
        {
            bytes += image.Data.Length;
        }

        SizeBytes = bytes;
    }

    /// <summary>Gets the images.</summary>
    public IReadOnlyList<GeneratedImage> Images { get; }

    /// <summary>Gets the provider that produced the images.</summary>
    public string Provider { get; }

    /// <summary>Gets the model that produced the images.</summary>
    public string Model { get; }

    /// <summary>Gets the estimated cost of the original call in US dollars: what each hit saves.</summary>
    public decimal? EstimatedCostUsd
    {
        get => _estimatedCostUsd;
        init
        {
            _estimatedCostUsd = value;
            CostMicroUsd = ToMicroUsd(value);
        }
    }

    /// <summary>Gets when the entry was stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the entry stops being fresh.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets when the entry stops being kept (after <see cref="ExpiresAt"/>, it may still be served stale on errors).</summary>
    public DateTimeOffset RetainUntil { get; init; }

    /// <summary>Gets the total size of the image bytes.</summary>
    public long SizeBytes { get; }

    /// <summary>Gets <see cref="EstimatedCostUsd"/> in whole micro-dollars (0 when unknown), converted once rather than on every hit.</summary>
    internal long CostMicroUsd { get; private init; }

    /// <summary>Creates an entry from a provider result, keeping only the bytes of each image (never its URL).</summary>
    /// <param name="result">The result.</param>
    /// <param name="createdAt">Now.</param>
    /// <param name="ttl">How long the entry is fresh.</param>
    /// <param name="retention">How long after expiry the entry is kept.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is <see langword="null"/>.</exception>
    internal static ImageCacheEntry FromResult(ImageGenerationResult result, DateTimeOffset createdAt, TimeSpan ttl, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(result);
        GeneratedImage[] images = new GeneratedImage[result.Images.Count];
        for (int i = 0; i < images.Length; i++)
        {
            GeneratedImage source = result.Images[i];
            images[i] = new GeneratedImage(source.Data, source.MediaType)
            {
                Width = source.Width,
                Height = source.Height,
                RevisedPrompt = source.RevisedPrompt,
                Seed = source.Seed,
            };
        }

        return new ImageCacheEntry(images, result.Provider, result.Model)
        {
            EstimatedCostUsd = result.EstimatedCostUsd,
            CreatedAt = createdAt,
            ExpiresAt = createdAt + ttl,
            RetainUntil = createdAt + ttl + retention,
        };
    }

    /// <summary>Converts a cost to whole micro-dollars, the unit the cache's savings counter adds up.</summary>
    internal static long ToMicroUsd(decimal? cost) => cost is decimal value and > 0 ? (long)(value * 1_000_000m) : 0;

    /// <summary>Tells whether the entry belongs to a provider and model (either <see langword="null"/> matches all; names ignore case).</summary>
    /// <param name="provider">The provider, or <see langword="null"/> for any.</param>
    /// <param name="model">The model, or <see langword="null"/> for any.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Matches(string? provider, string? model)
        => (provider is null || string.Equals(provider, Provider, StringComparison.OrdinalIgnoreCase))
        && (model is null || string.Equals(model, Model, StringComparison.OrdinalIgnoreCase));
}
