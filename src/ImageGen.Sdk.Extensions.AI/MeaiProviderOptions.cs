namespace ImageGen.Sdk.Extensions.AI;

/// <summary>How a Microsoft.Extensions.AI image generator is described and classified as an ImageGen.Sdk provider.</summary>
public sealed class MeaiProviderOptions
{
    /// <summary>The model name used when neither the options, the configuration nor the generator's metadata names one.</summary>
    public const string UnnamedModel = "default";

    /// <summary>Gets or sets the model used when a request names none (it keys the cache and names results).</summary>
    /// <value><see langword="null"/>: <c>ImageGeneration:Providers:{name}:DefaultModel</c>, else the generator's
    /// <c>ImageGeneratorMetadata.DefaultModelId</c>, else <see cref="UnnamedModel"/>.</value>
    public string? DefaultModel { get; set; }

    /// <summary>Gets what the generator's models accept, so validation, count splitting and fallback adaptation apply to them.</summary>
    /// <value>Empty: requests pass through unvalidated, as for any model the SDK does not know.</value>
    public IList<ImageModelCapabilities> Models { get; } = [];

    /// <summary>
    /// Gets or sets a classifier consulted first for every exception the generator throws (for example the
    /// <c>ClientResultException</c> of an SDK, by its status); returning <see langword="null"/> leaves the exception to the
    /// built-in rules: <c>HttpRequestException</c> by status (429 <c>RateLimited</c>, 401 <c>Authentication</c>, 5xx
    /// <c>ServerError</c>, …) or as <c>Network</c>, time-outs as <c>Timeout</c>, anything else a non-transient <c>ServerError</c>.
    /// </summary>
    /// <value><see langword="null"/>: the built-in rules only.</value>
    public Func<Exception, ImageGenerationException?>? ClassifyException { get; set; }

    /// <summary>Checks the options once, before they are used.</summary>
    /// <exception cref="ArgumentException"><see cref="DefaultModel"/> is white space, or a model is listed twice.</exception>
    internal void Validate()
    {
        if (DefaultModel is not null && string.IsNullOrWhiteSpace(DefaultModel))
        {
            throw new ArgumentException("DefaultModel must not be blank; leave it null to use the generator's own default.", nameof(DefaultModel));
        }

        string? duplicate = Models.GroupBy(m => m.Model, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"Models lists '{duplicate}' more than once.", nameof(Models));
        }
    }
}
