namespace ImageGen.Sdk;

/// <summary>Describes a configured provider: its name, type, default model and the models the SDK knows for it.</summary>
public sealed class ImageProviderDescriptor
{
    private readonly Dictionary<string, ImageModelCapabilities> _models;

    /// <summary>Initializes a new descriptor.</summary>
    /// <param name="name">The configured provider name (routing key).</param>
    /// <param name="providerType">The provider type, for example <c>OpenAI</c>.</param>
    /// <param name="defaultModel">The model used when a request names none.</param>
    /// <param name="knownModels">The models the SDK knows; others pass through unvalidated.</param>
    /// <exception cref="ArgumentException">A name is blank.</exception>
    public ImageProviderDescriptor(string name, string providerType, string defaultModel, IEnumerable<ImageModelCapabilities>? knownModels = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerType);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultModel);
        Name = name;
        ProviderType = providerType;
        DefaultModel = defaultModel;
        _models = new Dictionary<string, ImageModelCapabilities>(StringComparer.OrdinalIgnoreCase);
        foreach (ImageModelCapabilities model in knownModels ?? [])
        {
            _models[model.Model] = model;
        }
    }

    /// <summary>Gets the configured provider name.</summary>
    public string Name { get; }

    /// <summary>Gets the provider type, for example <c>OpenAI</c>.</summary>
    public string ProviderType { get; }

    /// <summary>Gets the model used when a request names none.</summary>
    public string DefaultModel { get; }

    /// <summary>Gets the models the SDK knows for this provider.</summary>
    public IReadOnlyCollection<ImageModelCapabilities> KnownModels => _models.Values;

    /// <summary>Finds what a model accepts.</summary>
    /// <param name="model">The model id; the default model when <see langword="null"/>.</param>
    /// <returns>The capabilities, or <see langword="null"/> for a model the SDK does not know.</returns>
    public ImageModelCapabilities? GetModel(string? model)
        => _models.TryGetValue(model ?? DefaultModel, out ImageModelCapabilities? capabilities) ? capabilities : null;
}
