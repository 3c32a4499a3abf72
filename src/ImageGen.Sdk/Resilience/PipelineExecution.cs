using Polly;

namespace ImageGen.Sdk.Resilience;

/// <summary>Runs the inner generator through a Polly pipeline and returns the outcome instead of throwing.</summary>
/// <remarks>
/// The layers translate Polly's own exceptions (time-out, broken circuit) into <see cref="ImageGenerationException"/>
/// after the call, so they need the outcome rather than an exception thrown through the pipeline.
/// </remarks>
internal static class PipelineExecution
{
    public static async Task<Outcome<ImageGenerationResult>> ExecuteAsync(
        ResiliencePipeline<ImageGenerationResult> pipeline,
        IImageGenerator inner,
        ImageGenerationRequest request,
        CancellationToken cancellationToken)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                static async (ctx, s) =>
                {
                    try
                    {
                        return Outcome.FromResult(await s.Inner.GenerateAsync(s.Request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<ImageGenerationResult>(exception);
                    }
                },
                context,
                (Inner: inner, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
