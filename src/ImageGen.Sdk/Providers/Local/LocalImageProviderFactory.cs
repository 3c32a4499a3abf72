namespace ImageGen.Sdk.Providers.Local;

/// <summary>
/// Creates <see cref="LocalImageGenerator"/>s for providers configured with <c>Type</c> <c>Local</c>: no key, no
/// network. <c>DefaultModel</c> is honoured; other keys are ignored.
/// </summary>
internal sealed class LocalImageProviderFactory : IImageProviderFactory
{
    /// <inheritdoc />
    public string ProviderType => ImageProviderTypes.Local;

    /// <inheritdoc />
    public bool RequiresApiKey => false;

    /// <inheritdoc />
    /// <value>Every model is free (<c>*</c> at 0).</value>
    public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices { get; } =
        new Dictionary<string, ModelPriceOptions> { ["*"] = new() { DefaultPerImage = 0m } }.AsReadOnly();

    /// <inheritdoc />
    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
        // Nothing is required: every key is optional and DefaultModel may be any name.
    }

    /// <inheritdoc />
    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        LocalImageGeneratorOptions local = CreateOptions(name, options);
        List<ImageModelCapabilities> models = [LocalImageGenerator.DescribeModel(LocalImageGeneratorOptions.LocalPngModel, local.MaxPixels)];
        if (!string.Equals(local.DefaultModel, LocalImageGeneratorOptions.LocalPngModel, StringComparison.OrdinalIgnoreCase))
        {
            // A renamed default model draws the same way, so it is validated the same way.
            models.Add(LocalImageGenerator.DescribeModel(local.DefaultModel, local.MaxPixels));
        }

        return new ImageProviderDescriptor(name, ProviderType, local.DefaultModel, models);
    }

    /// <inheritdoc />
    public IImageGenerator Create(ImageProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new LocalImageGenerator(
            CreateOptions(context.Name, context.Options),
            context.Services.GetService(typeof(TimeProvider)) as TimeProvider);
    }

    private static LocalImageGeneratorOptions CreateOptions(string name, ImageProviderOptions options) => new()
    {
        ProviderName = name,
        DefaultModel = string.IsNullOrWhiteSpace(options.DefaultModel) ? LocalImageGeneratorOptions.LocalPngModel : options.DefaultModel.Trim(),
    };
}
