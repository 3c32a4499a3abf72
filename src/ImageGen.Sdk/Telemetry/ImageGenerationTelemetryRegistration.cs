using ImageGen.Sdk.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk;

/// <summary>Telemetry of the stack registered by <c>services.AddImageGeneration()</c>: on by default, outermost.</summary>
internal static class ImageGenerationTelemetryRegistration
{
    /// <summary>
    /// Binds <see cref="ImageGenerationTelemetryOptions"/> from <c>ImageGeneration:Telemetry</c> and registers the SDK's
    /// instruments on the application's meter factory. <c>AddImageGeneration()</c> calls it; the stack then puts
    /// <see cref="OpenTelemetryImageGenerator"/> outermost (<see cref="CreateLayer"/>).
    /// </summary>
    internal static void AddTelemetry(IServiceCollection services)
    {
        services.AddOptions<ImageGenerationTelemetryOptions>()
            .Configure<IServiceProvider>((options, sp) =>
            {
                if (sp.GetService(typeof(IConfiguration)) is IConfiguration configuration)
                {
                    configuration.GetSection(ImageGenerationTelemetryOptions.SectionName).Bind(options);
                }
            });
        ImageGenerationInstruments.Register(services);
    }

    /// <summary>Creates the telemetry layer over <paramref name="inner"/> from the registered options and instruments.</summary>
    internal static IImageGenerator CreateLayer(IImageGenerator inner, IServiceProvider services) => new OpenTelemetryImageGenerator(
        inner,
        services.GetRequiredService<IOptions<ImageGenerationTelemetryOptions>>().Value,
        ImageGenerationInstruments.FromServices(services),
        services.GetService<TimeProvider>());
}
