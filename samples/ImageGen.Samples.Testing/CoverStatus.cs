namespace ImageGen.Samples.Testing;

/// <summary>The outcome of drawing a cover.</summary>
public enum CoverStatus
{
    /// <summary>The cover is drawn.</summary>
    Ready,

    /// <summary>The provider refused the content.</summary>
    Refused,

    /// <summary>A rate limit, quota or budget: ask again later.</summary>
    TryLater,

    /// <summary>The provider is down, after the SDK's retries.</summary>
    Unavailable,
}
