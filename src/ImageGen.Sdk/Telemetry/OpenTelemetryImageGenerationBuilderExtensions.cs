using ImageGen.Sdk.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk;

/// <summary>Adds the telemetry layer to the stack registered by <c>services.AddImageGeneration()</c>.</summary>
public static class OpenTelemetryImageGenerationBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="OpenTelemetryImageGenerator"/> as a custom layer (just inside validation, so it sees every call
    /// that passes validation, cache hits included), binds <see cref="ImageGenerationTelemetryOptions"/> from
    /// <c>ImageGeneration:Telemetry</c> and registers the SDK's instruments on the application's meter factory.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddImageGeneration()</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ImageGenerationBuilder UseOpenTelemetry(this ImageGenerationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ImageGenerationTelemetryOptions>()
            .Configure<IServiceProvider>((options, services) =>
            {
                if (services.GetService(typeof(IConfiguration)) is IConfiguration configuration)
                {
                    configuration.GetSection(ImageGenerationTelemetryOptions.SectionName).Bind(options);
                }
            });
        ImageGenerationInstruments.Register(builder.Services);
        return builder.Use((inner, services) => new OpenTelemetryImageGenerator(
            inner,
            services.GetRequiredService<IOptions<ImageGenerationTelemetryOptions>>().Value,
            ImageGenerationInstruments.FromServices(services),
            services.GetService<TimeProvider>()));
    }
}
