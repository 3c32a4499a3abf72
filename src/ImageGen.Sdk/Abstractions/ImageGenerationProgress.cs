namespace ImageGen.Sdk;

/// <summary>
/// One progress report of a generation: the stage, and for a queued job its position, for a running one its percent
/// complete, where the provider tells. Reported through <see cref="ImageGenerationRequest.Progress"/>.
/// </summary>
/// <remarks>
/// Providers that submit a job and poll it (fal queue, Black Forest Labs, Replicate) report each state they see;
/// every HTTP provider reports <see cref="ImageGenerationStage.Done"/> when its call returns. A request split into
/// several calls reports for each of them, so a consumer should not treat the first <c>Done</c> as the end of the request.
/// </remarks>
public sealed record ImageGenerationProgress
{
    /// <summary>Initializes a new report.</summary>
    /// <param name="stage">The stage.</param>
    public ImageGenerationProgress(ImageGenerationStage stage)
    {
        Stage = stage;
    }

    /// <summary>Gets the stage.</summary>
    public ImageGenerationStage Stage { get; }

    /// <summary>Gets the job's place in the provider's queue (0 = next) while <see cref="ImageGenerationStage.Queued"/>, when the provider tells.</summary>
    /// <value><see langword="null"/>: unknown.</value>
    public int? QueuePosition { get; init; }

    /// <summary>Gets how far the job is, from 0 to 100, while <see cref="ImageGenerationStage.Running"/>, when the provider tells.</summary>
    /// <value><see langword="null"/>: unknown.</value>
    public double? Percent { get; init; }

    /// <summary>Gets the name of the provider that reported, filled in by the provider client.</summary>
    /// <value><see langword="null"/> until a provider client reports it.</value>
    public string? Provider { get; init; }

    /// <summary>Creates a <see cref="ImageGenerationStage.Queued"/> report.</summary>
    /// <param name="position">The queue position, when known; a negative value is treated as unknown.</param>
    /// <returns>The report.</returns>
    public static ImageGenerationProgress Queued(int? position = null)
        => new(ImageGenerationStage.Queued) { QueuePosition = position is >= 0 ? position : null };

    /// <summary>Creates a <see cref="ImageGenerationStage.Running"/> report.</summary>
    /// <param name="percent">The percent complete, when known; clamped to 0..100, and <see cref="double.NaN"/> is treated as unknown.</param>
    /// <returns>The report.</returns>
    public static ImageGenerationProgress Running(double? percent = null)
        => new(ImageGenerationStage.Running) { Percent = percent is { } p && !double.IsNaN(p) ? Math.Clamp(p, 0, 100) : null };

    /// <summary>Creates a <see cref="ImageGenerationStage.Downloading"/> report.</summary>
    /// <returns>The report.</returns>
    public static ImageGenerationProgress Downloading() => new(ImageGenerationStage.Downloading);

    /// <summary>Creates a <see cref="ImageGenerationStage.Done"/> report.</summary>
    /// <returns>The report.</returns>
    public static ImageGenerationProgress Done() => new(ImageGenerationStage.Done);
}
