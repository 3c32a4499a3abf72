namespace ImageGen.Sdk.Telemetry;

/// <summary>Options of the telemetry layer (<c>ImageGeneration:Telemetry</c>).</summary>
public sealed class ImageGenerationTelemetryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "ImageGeneration:Telemetry";

    /// <summary>
    /// Gets or sets a value indicating whether spans may carry end-user content: the prompt and the negative prompt
    /// (as <c>gen_ai.input.messages</c>) and revised prompts (as <c>gen_ai.output.messages</c>).
    /// </summary>
    /// <remarks>Prompts may be personal data and traces are often kept longer and seen by more people than the
    /// data itself, so this is off unless an operator turns it on.</remarks>
    /// <value><see langword="false"/>.</value>
    public bool EnableSensitiveData { get; set; }
}
