namespace ImageGen.Sdk.Telemetry;

/// <summary>How a request met the cache (<c>imagegen.cache.result</c>).</summary>
internal enum ImageCacheResult
{
    /// <summary>A fresh entry answered the request: <c>hit</c>.</summary>
    Hit,

    /// <summary>No entry: the request went to the provider, <c>miss</c>.</summary>
    Miss,

    /// <summary>An expired entry answered because the provider failed: <c>stale</c>.</summary>
    Stale,

    /// <summary>The request shared an identical call already in flight: <c>coalesced</c>.</summary>
    Coalesced,
}

/// <summary>Whether an amount was paid or avoided (<c>imagegen.cost.kind</c>).</summary>
internal enum ImageCostKind
{
    /// <summary>Paid to the provider: <c>spent</c>.</summary>
    Spent,

    /// <summary>Avoided by a cache hit: <c>saved</c>.</summary>
    Saved,
}

/// <summary>The state an API key moved to (<c>imagegen.key.state</c>).</summary>
internal enum ImageKeyState
{
    /// <summary>Resting after a rate limit: <c>cooling</c>.</summary>
    Cooling,

    /// <summary>Taken out for good (revoked, quota gone): <c>retired</c>.</summary>
    Retired,

    /// <summary>Resting until its daily limit resets: <c>parked</c>.</summary>
    Parked,

    /// <summary>Serving again: <c>healthy</c>.</summary>
    Healthy,
}

/// <summary>The wire values of the tag enums; kept here so the names in docs and code cannot drift apart.</summary>
internal static class TelemetryTagValues
{
    public static string ToTagValue(this ImageCacheResult value) => value switch
    {
        ImageCacheResult.Hit => "hit",
        ImageCacheResult.Miss => "miss",
        ImageCacheResult.Stale => "stale",
        ImageCacheResult.Coalesced => "coalesced",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string ToTagValue(this ImageCostKind value) => value switch
    {
        ImageCostKind.Spent => "spent",
        ImageCostKind.Saved => "saved",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string ToTagValue(this ImageKeyState value) => value switch
    {
        ImageKeyState.Cooling => "cooling",
        ImageKeyState.Retired => "retired",
        ImageKeyState.Parked => "parked",
        ImageKeyState.Healthy => "healthy",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    /// <summary>
    /// The <c>error.type</c> of a failure: the <see cref="ImageGenerationErrorKind"/> for our own exception (low
    /// cardinality and what operators group by), the exception's full type name otherwise, as OpenTelemetry suggests.
    /// </summary>
    public static string ErrorType(Exception error) => error is ImageGenerationException generation
        ? generation.Kind.ToString()
        : error.GetType().FullName ?? error.GetType().Name;
}
