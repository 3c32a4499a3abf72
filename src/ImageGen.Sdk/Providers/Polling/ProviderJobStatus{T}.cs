namespace ImageGen.Sdk.Providers;

/// <summary>
/// What one status poll of a job found: still pending (with progress and the server's hint for the next poll) or
/// completed (with what the poll returned). A failed job is not a status: the poll throws the
/// <see cref="ImageGenerationException"/> that describes it. Create one with <see cref="ProviderJobStatus.Pending{T}"/>
/// or <see cref="ProviderJobStatus.Completed{T}"/>.
/// </summary>
/// <typeparam name="T">What a completed poll returns (the provider's result document or URLs).</typeparam>
public readonly record struct ProviderJobStatus<T>
{
    internal ProviderJobStatus(bool isCompleted, T? result, ImageGenerationProgress? progress, TimeSpan? retryAfter)
    {
        IsCompleted = isCompleted;
        Result = result;
        Progress = progress;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets a value indicating whether the job finished successfully.</summary>
    public bool IsCompleted { get; }

    /// <summary>Gets what the completed poll returned; <see langword="default"/> while pending.</summary>
    public T? Result { get; }

    /// <summary>Gets the progress to report while pending (queued with position, running with percent).</summary>
    public ImageGenerationProgress? Progress { get; }

    /// <summary>Gets the server's hint for the wait before the next poll (a <c>Retry-After</c> header), which replaces the back-off.</summary>
    public TimeSpan? RetryAfter { get; }
}
