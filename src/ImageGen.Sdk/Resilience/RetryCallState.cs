using Polly;

namespace ImageGen.Sdk.Resilience;

/// <summary>What one call carries through the retry pipeline: its limit, its start, its attempts and why it stopped.</summary>
internal sealed class RetryCallState(IImageGenerator inner, ImageGenerationRequest request, int maxRetries, long startTimestamp)
{
    /// <summary>Gets the retries this call may make (the request's own limit, else the options').</summary>
    public int MaxRetries { get; } = maxRetries;

    /// <summary>Gets when the call started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>Gets how many attempts were started.</summary>
    public int Attempts { get; private set; }

    /// <summary>Gets or sets the wait before the next attempt, decided with the retry.</summary>
    public TimeSpan NextDelay { get; set; }

    /// <summary>Gets or sets why the call was not retried, for the log.</summary>
    public string? StopReason { get; set; }

    /// <summary>Makes one attempt and returns its outcome instead of throwing.</summary>
    public async ValueTask<Outcome<ImageGenerationResult>> AttemptAsync(CancellationToken cancellationToken)
    {
        Attempts++;
        try
        {
            return Outcome.FromResult(await inner.GenerateAsync(request, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            return Outcome.FromException<ImageGenerationResult>(exception);
        }
    }
}
