using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Creates <see cref="OpenAIImageGenerator"/> clients for providers configured with <c>Type = OpenAI</c> (OpenAI or
/// any OpenAI-compatible gateway through <c>BaseUrl</c>).
/// </summary>
/// <remarks>
/// API calls use the <see cref="IHttpClientFactory"/> client named <c>ImageGen.{providername}</c> (lower-cased,
/// <see cref="ImageGenerationHttpClientNames.ForProvider"/>), asked for per call
/// so handler rotation keeps working; URL downloads use <see cref="ImageGenerationHttpClientNames.Downloads"/>.
/// </remarks>
public sealed class OpenAIImageProviderFactory : IImageProviderFactory
{
    /// <inheritdoc />
    public string ProviderType => ImageProviderTypes.OpenAI;

    /// <inheritdoc />
    public bool RequiresApiKey => true;

    /// <inheritdoc />
    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (options.DefaultModel is not null && string.IsNullOrWhiteSpace(options.DefaultModel))
        {
            errors.Add($"{ImageGenerationOptions.SectionName}:Providers:{name}:DefaultModel must not be blank.");
        }
    }

    /// <inheritdoc />
    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ImageProviderDescriptor(name, ProviderType, options.DefaultModel ?? OpenAIModelCatalog.DefaultModel, OpenAIModelCatalog.All);
    }

    /// <inheritdoc />
    public IImageGenerator Create(ImageProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImageProviderOptions options = context.Options;
        ProviderServices services = ProviderServices.Resolve(context);
        OpenAIImageGeneratorOptions clientOptions = new()
        {
            ProviderName = context.Name,
            ApiKey = context.ApiKey,
            BaseUrl = options.BaseUrl is null ? OpenAIImageGeneratorOptions.DefaultBaseUrl : new Uri(options.BaseUrl, UriKind.Absolute),
            DefaultModel = options.DefaultModel ?? OpenAIModelCatalog.DefaultModel,
            Organization = options.Organization,
            Project = options.Project,
            MaxDownloadBytes = services.MaxDownloadBytes,
            MaxResponseBytes = services.MaxResponseBytes,
        };
        return new OpenAIImageGenerator(services.HttpClientSource, clientOptions, services.DownloadClient, services.Logger, services.TimeProvider);
    }
}

/// <summary>What the OpenAI-family factories take from the service provider.</summary>
internal sealed record ProviderServices(Func<HttpClient> HttpClientSource, Func<HttpClient> DownloadClient, ILogger? Logger, TimeProvider TimeProvider, long MaxDownloadBytes, long MaxResponseBytes)
{
    public static ProviderServices Resolve(ImageProviderContext context)
    {
        IServiceProvider services = context.Services;
        IHttpClientFactory httpClientFactory = services.GetRequiredService<IHttpClientFactory>();
        string clientName = context.HttpClientName;
        ILogger? logger = services.GetService<ILoggerFactory>()?.CreateLogger("ImageGen.Sdk.Providers." + context.Name);
        ImageGenerationOptions? options = services.GetService<IOptions<ImageGenerationOptions>>()?.Value;
        long maxDownloadBytes = options?.MaxDownloadBytes ?? 64L * 1024 * 1024;
        long maxResponseBytes = options?.MaxResponseBytes ?? OpenAIImageClientCore.DefaultMaxResponseBytes;
        return new ProviderServices(
            () => httpClientFactory.CreateClient(clientName),
            () => httpClientFactory.CreateClient(ImageGenerationHttpClientNames.Downloads),
            logger,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            maxDownloadBytes,
            maxResponseBytes);
    }
}
