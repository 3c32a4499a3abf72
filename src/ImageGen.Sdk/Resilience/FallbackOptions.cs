namespace ImageGen.Sdk;

/// <summary>
/// Cross-provider fallback (<c>ImageGeneration:Fallback</c>): when a provider still fails after its retries, the
/// request moves to the next provider, adapted to what that provider accepts.
/// </summary>
/// <remarks>
/// Configuration shape: <c>Fallback:Providers:0 = openai</c>, <c>Fallback:Providers:1 = azure</c>,
/// <c>Fallback:On:0 = RateLimited</c>, <c>Fallback:ModelMap:azure = gpt-image-1</c>,
/// <c>Fallback:AllowExplicitProvider = true</c>. Fallback is off while <see cref="Providers"/> is empty.
/// </remarks>
public sealed class FallbackOptions
{
    /// <summary>The failure kinds that move a request to the next provider when <see cref="On"/> is empty.</summary>
    public static IReadOnlyList<ImageGenerationErrorKind> DefaultKinds { get; } =
    [
        ImageGenerationErrorKind.Unavailable,
        ImageGenerationErrorKind.RateLimited,
        ImageGenerationErrorKind.QuotaExceeded,
        ImageGenerationErrorKind.ServerError,
        ImageGenerationErrorKind.Timeout,
        ImageGenerationErrorKind.Network,
    ];

    /// <summary>Gets the providers to try, in order (<c>Fallback:Providers:0</c>, <c>:1</c>, ...). A request starts at its
    /// own provider (or the default one) and continues with the listed providers it has not tried.</summary>
    /// <value>Empty: fallback is off.</value>
    public IList<string> Providers { get; } = [];

    /// <summary>Gets the failure kinds that trigger fallback (<c>Fallback:On:0</c>, ...).</summary>
    /// <value>Empty, meaning <see cref="DefaultKinds"/>: Unavailable, RateLimited, QuotaExceeded, ServerError, Timeout, Network.
    /// (A list, not pre-filled, because configuration binding appends to a pre-filled list.)</value>
    public IList<ImageGenerationErrorKind> On { get; } = [];

    /// <summary>Gets the model to use on each fallback provider, by provider name (<c>Fallback:ModelMap:{provider}</c>).
    /// A provider without an entry gets its default model.</summary>
    /// <value>Empty.</value>
    public IDictionary<string, string> ModelMap { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets a value indicating whether requests that name a provider may fall back too, as if each set
    /// <see cref="ImageGenerationRequest.AllowFallback"/>.</summary>
    /// <value><see langword="false"/>: a request pinned to a provider stays there unless it sets <c>AllowFallback</c>.</value>
    public bool AllowExplicitProvider { get; set; }

    /// <summary>Gets whether a failure kind moves a request to the next provider.</summary>
    /// <param name="kind">The failure kind.</param>
    /// <returns><see langword="true"/> when <paramref name="kind"/> is in <see cref="On"/> (or in <see cref="DefaultKinds"/> when that is empty).</returns>
    public bool FallsBackOn(ImageGenerationErrorKind kind) => On.Count == 0 ? DefaultKinds.Contains(kind) : On.Contains(kind);

    /// <summary>Checks the options; each message names the configuration key under <paramref name="path"/>.</summary>
    /// <param name="path">The configuration path, <c>ImageGeneration:Fallback</c>.</param>
    /// <param name="configuredProviders">The configured provider names.</param>
    /// <param name="errors">Receives the problems.</param>
    internal void Validate(string path, ICollection<string> configuredProviders, ICollection<string> errors)
    {
        HashSet<string> seen = new(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Providers.Count; i++)
        {
            string name = Providers[i];
            if (string.IsNullOrWhiteSpace(name) || !configuredProviders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:Providers:{i} '{name}' is not a configured provider. Configured: {string.Join(", ", configuredProviders)}.");
            }
            else if (!seen.Add(name))
            {
                errors.Add($"{path}:Providers:{i} '{name}' is listed twice.");
            }
        }

        foreach (ImageGenerationErrorKind kind in On)
        {
            if (!Enum.IsDefined(kind))
            {
                errors.Add($"{path}:On contains {(int)kind}, which is not an ImageGenerationErrorKind.");
            }
        }

        foreach ((string provider, string model) in ModelMap)
        {
            if (!configuredProviders.Contains(provider, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:ModelMap:{provider} names a provider that is not configured. Configured: {string.Join(", ", configuredProviders)}.");
            }
            else if (string.IsNullOrWhiteSpace(model))
            {
                errors.Add($"{path}:ModelMap:{provider} must name a model.");
            }
        }
    }
}
