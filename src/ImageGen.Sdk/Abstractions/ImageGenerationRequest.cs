using System.Text;
using System.Text.Json;

namespace ImageGen.Sdk;

/// <summary>Describes the images to generate. Provider-neutral: each provider maps the fields it supports.</summary>
/// <param name="Prompt">What to draw. Must not be empty or white space.</param>
/// <remarks>
/// <see cref="ToString"/> never prints the prompt, the negative prompt or the user id, so a request can be logged
/// without leaking end-user content.
/// </remarks>
public sealed record ImageGenerationRequest(string Prompt)
{
    /// <summary>Gets the name of the configured provider to route to; the default provider when <see langword="null"/>.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model; the provider's default model when <see langword="null"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Gets how many images to generate (1 to 10). Counts above a model's per-call limit are split into parallel calls.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Gets the image size; the model's default when <see langword="null"/>.</summary>
    public ImageSize? Size { get; init; }

    /// <summary>Gets the aspect ratio, for example <c>16:9</c>, for providers that take a ratio instead of a size.</summary>
    public string? AspectRatio { get; init; }

    /// <summary>Gets the quality level.</summary>
    public ImageQuality? Quality { get; init; }

    /// <summary>Gets the style (DALL·E 3).</summary>
    public ImageStyle? Style { get; init; }

    /// <summary>Gets the output encoding.</summary>
    public ImageFormat? OutputFormat { get; init; }

    /// <summary>Gets what the image should not contain, for providers that support it.</summary>
    public string? NegativePrompt { get; init; }

    /// <summary>Gets the seed, for providers that support reproducible output.</summary>
    public long? Seed { get; init; }

    /// <summary>Gets the source images of an edit.</summary>
    public IReadOnlyList<ImageInput>? InputImages { get; init; }

    /// <summary>
    /// Gets a value indicating whether the request asks for variations of the one image in <see cref="InputImages"/>
    /// rather than a generation or an edit (OpenAI <c>/images/variations</c>, <c>dall-e-2</c>). A variation takes no
    /// prompt (<see cref="Prompt"/> must be empty) and no mask; it has its own cache key. Create one with
    /// <see cref="VariationOf"/>.
    /// </summary>
    public bool IsVariation { get; init; }

    /// <summary>Creates a request for variations of <paramref name="image"/>.</summary>
    /// <param name="image">The source image (OpenAI: a square PNG under 4 MB).</param>
    /// <returns>A request with <see cref="IsVariation"/> set, an empty prompt and the image as its only input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    public static ImageGenerationRequest VariationOf(ImageInput image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new ImageGenerationRequest(string.Empty) { IsVariation = true, InputImages = [image] };
    }

    /// <summary>Gets the mask of an edit (transparent areas are repainted).</summary>
    public ImageInput? Mask { get; init; }

    /// <summary>Gets extra fields written as-is into the provider's request body (they override mapped fields).</summary>
    public IReadOnlyDictionary<string, JsonElement>? ProviderOptions { get; init; }

    /// <summary>Gets how this request uses the cache.</summary>
    public CacheMode Cache { get; init; } = CacheMode.Default;

    /// <summary>Gets a per-call override of the number of retries; 0 disables retries.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Gets the end user or tenant on whose behalf the call is made (quotas, budgets, provider abuse tracking).</summary>
    public string? User { get; init; }

    /// <summary>
    /// Gets a value indicating whether a request that names a <see cref="Provider"/> may still fall back to other
    /// providers when that one is unavailable. Requests without a provider always may.
    /// </summary>
    public bool AllowFallback { get; init; }

    /// <summary>
    /// Gets where a long job reports its progress (queued with position, running with percent, downloading, done),
    /// for providers that know it. Reports may arrive on any thread.
    /// </summary>
    /// <remarks>
    /// Progress is how the caller listens, not what is drawn: it is never part of the cache key, and a cache hit or a
    /// coalesced call reports nothing from the provider. It is not printed by <see cref="ToString"/>.
    /// </remarks>
    /// <value><see langword="null"/>: no reports.</value>
    public IProgress<ImageGenerationProgress>? Progress { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        // The prompt, negative prompt and user may be personal data: print only their lengths and presence.
        builder.Append("PromptLength = ").Append(Prompt?.Length ?? 0);
        Append(builder, nameof(Provider), Provider);
        Append(builder, nameof(Model), Model);
        builder.Append(", Count = ").Append(Count);
        Append(builder, nameof(Size), Size?.ToString());
        Append(builder, nameof(AspectRatio), AspectRatio);
        Append(builder, nameof(Quality), Quality?.Value);
        Append(builder, nameof(Style), Style?.Value);
        Append(builder, nameof(OutputFormat), OutputFormat?.Value);
        Append(builder, nameof(Seed), Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (InputImages is { Count: > 0 })
        {
            builder.Append(", InputImages = ").Append(InputImages.Count);
        }

        if (Mask is not null)
        {
            builder.Append(", Mask = yes");
        }

        builder.Append(", Cache = ").Append(Cache);
        return true;

        static void Append(StringBuilder builder, string name, string? value)
        {
            if (value is not null)
            {
                builder.Append(", ").Append(name).Append(" = ").Append(value);
            }
        }
    }
}
