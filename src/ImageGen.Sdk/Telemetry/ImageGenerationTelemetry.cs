using System.Diagnostics;
using System.Reflection;

namespace ImageGen.Sdk.Telemetry;

/// <summary>
/// The names under which the SDK publishes traces and metrics, for <c>AddSource</c> / <c>AddMeter</c> in an
/// OpenTelemetry set-up. Both are <c>ImageGen.Sdk</c>.
/// </summary>
public static class ImageGenerationTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> that opens the SDK's spans.</summary>
    public const string SourceName = "ImageGen.Sdk";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> that holds the SDK's instruments.</summary>
    public const string MeterName = "ImageGen.Sdk";

    /// <summary>Gets the version stamped on the source and the meter: the assembly's informational version.</summary>
    internal static string? Version { get; } = typeof(ImageGenerationTelemetry).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>Gets the one source every span of the SDK comes from; a listener subscribes to it by name.</summary>
    internal static ActivitySource Source { get; } = new(SourceName, Version);
}
