using ImageGen.Sdk.Providers;

namespace ImageGen.Sdk.Tests.Providers.Http;

/// <summary>Plugs <see cref="AcmeImageGenerator"/> into <c>AddImageGeneration()</c> as <c>Type = Acme</c>.</summary>
public sealed class AcmeImageProviderFactory : IImageProviderFactory
{
    public string ProviderType => "Acme";

    public bool RequiresApiKey => true;

    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
    }

    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
        => new(name, ProviderType, AcmeImageGenerator.Acme1.Model, [AcmeImageGenerator.Acme1]);

    public IImageGenerator Create(ImageProviderContext context)
    {
        AcmeImageGeneratorOptions options = new()
        {
            ProviderName = context.Name,
            ApiKey = context.ApiKey,
            MaxDownloadBytes = context.MaxDownloadBytes,
            MaxResponseBytes = context.MaxResponseBytes,
        };
        if (context.Options.BaseUrl is { } baseUrl)
        {
            options.BaseUrl = new Uri(baseUrl);
        }

        return new AcmeImageGenerator(options, context.CreateTransport());
    }
}
