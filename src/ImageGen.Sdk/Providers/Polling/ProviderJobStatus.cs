namespace ImageGen.Sdk.Providers;

/// <summary>Creates <see cref="ProviderJobStatus{T}"/> values.</summary>
public static class ProviderJobStatus
{
    /// <summary>Creates a pending status.</summary>
    /// <typeparam name="T">What a completed poll of this job returns.</typeparam>
    /// <param name="progress">The progress to report, when the provider tells.</param>
    /// <param name="retryAfter">The server's hint for the next poll; a negative value is ignored.</param>
    /// <returns>The status.</returns>
    public static ProviderJobStatus<T> Pending<T>(ImageGenerationProgress? progress = null, TimeSpan? retryAfter = null)
        => new(false, default, progress, retryAfter is { } hint && hint >= TimeSpan.Zero ? hint : null);

    /// <summary>Creates a completed status.</summary>
    /// <typeparam name="T">What the poll returned.</typeparam>
    /// <param name="result">What the poll returned.</param>
    /// <returns>The status.</returns>
    public static ProviderJobStatus<T> Completed<T>(T result) => new(true, result, null, null);
}
