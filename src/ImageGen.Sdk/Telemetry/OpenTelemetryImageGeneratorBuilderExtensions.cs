using System.Diagnostics.Metrics;
using ImageGen.Sdk.Telemetry;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="OpenTelemetryImageGenerator"/> to a pipeline composed by hand.</summary>
public static class OpenTelemetryImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds the telemetry layer. Call it first, so it sits outermost and its span and duration cover the whole call:
    /// validation, cache hits, retries and fallback.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The telemetry options; defaults (no prompts on spans) when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The meter comes from the build's services: the registered instruments, else its
    /// <see cref="IMeterFactory"/>, else a process-wide meter. Durations use its <see cref="TimeProvider"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseOpenTelemetry(this ImageGeneratorBuilder builder, ImageGenerationTelemetryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            ImageGenerationInstruments instruments = services.GetService(typeof(ImageGenerationInstruments)) as ImageGenerationInstruments
                ?? (services.GetService(typeof(IMeterFactory)) is IMeterFactory factory
                    ? new ImageGenerationInstruments(factory)
                    : ImageGenerationInstruments.Shared);
            return new OpenTelemetryImageGenerator(inner, options, instruments, services.GetService(typeof(TimeProvider)) as TimeProvider);
        });
    }
}
