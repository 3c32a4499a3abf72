using ImageGen.Sdk;

namespace ImageGen.Samples.Batch;

/// <summary>Shows each stage a provider reports (queued with position, running with percent) on the image's row.</summary>
/// <remarks>Called on whatever thread the provider reports from; Spectre's progress tasks are thread-safe.</remarks>
internal sealed class StageReporter(Action<string> show) : IProgress<ImageGenerationProgress>
{
    public void Report(ImageGenerationProgress value) => show(value switch
    {
        { Stage: ImageGenerationStage.Queued, QueuePosition: { } position } => $"queued ({position} ahead)",
        { Stage: ImageGenerationStage.Running, Percent: { } percent } => $"running {percent:0}%",
        _ => value.Stage.ToString().ToLowerInvariant(),
    });
}
