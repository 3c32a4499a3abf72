namespace ImageGen.Sdk;

/// <summary>
/// Client-side limits on calls to a provider (<c>ImageGeneration:Providers:{name}:RateLimit</c>) or on all calls of
/// the app (<c>ImageGeneration:RateLimit</c>). Every property is optional; an unset property does not limit.
/// </summary>
/// <remarks>
/// A call that must wait for a permit waits (logged at Information); a call that would wait longer than
/// <see cref="MaxWait"/>, or finds the queue full, fails at once with
/// <see cref="ImageGenerationErrorKind.RateLimited"/> and no network call.
/// </remarks>
public sealed class RateLimitOptions
{
    /// <summary>Gets or sets the most calls that may start in any 60-second window.</summary>
    /// <value><see langword="null"/>: no per-minute limit.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>
    /// Gets or sets how many of the minute's calls may start back to back. The limit is then enforced as at most
    /// <c>Burst</c> calls per <c>Burst × 60 s / RequestsPerMinute</c>, so a smaller burst spreads calls more evenly.
    /// Requires <see cref="RequestsPerMinute"/> and may not exceed it.
    /// </summary>
    /// <value><see langword="null"/>: <see cref="RequestsPerMinute"/> (the whole minute's allowance at once).</value>
    public int? Burst { get; set; }

    /// <summary>Gets or sets the least time between the starts of two calls (for example <c>00:00:01</c>).</summary>
    /// <value><see langword="null"/>: no spacing.</value>
    public TimeSpan? MinInterval { get; set; }

    /// <summary>Gets or sets the most calls in flight at once.</summary>
    /// <value><see langword="null"/>: no concurrency limit.</value>
    public int? MaxConcurrency { get; set; }

    /// <summary>Gets or sets how many calls may queue for each limit; a call that finds the queue full fails at once. 0 means never queue.</summary>
    /// <value><see langword="null"/>: an unbounded queue.</value>
    public int? QueueLimit { get; set; }

    /// <summary>
    /// Gets or sets the longest a call waits for a permit (or for a provider back-off to pass) before failing with
    /// <see cref="ImageGenerationErrorKind.RateLimited"/>. In the stack <c>AddImageGeneration()</c> builds it also
    /// bounds the wait for a resting API key (unless <c>MaxKeyWait</c> is set), and it is capped at 90% of the
    /// provider's <c>Retry:AttemptTimeout</c> (or <c>TotalTimeout</c>, when shorter): the waits happen inside the
    /// attempt, and a wait that ran into its timeout would end as a <see cref="ImageGenerationErrorKind.Timeout"/>
    /// counted against the provider.
    /// </summary>
    /// <value><see langword="null"/>: in <c>AddImageGeneration()</c>, the app-wide <c>MaxWait</c>, else 25% of the attempt
    /// timeout (15 s by default), which leaves the rest of the attempt to the call itself; in a hand-composed
    /// <c>UseRateLimiting</c>, no maximum (the caller's token and any timeout above still apply).</value>
    public TimeSpan? MaxWait { get; set; }

    /// <summary>Gets a value indicating whether any limit is set.</summary>
    internal bool HasLimits => RequestsPerMinute is not null || MinInterval is not null || MaxConcurrency is not null;

    /// <summary>Adds one message per invalid property to <paramref name="errors"/>, each naming its configuration key.</summary>
    /// <param name="path">The configuration path of these options, for example <c>ImageGeneration:Providers:openai:RateLimit</c>.</param>
    /// <param name="errors">Receives the messages.</param>
    internal void Validate(string path, ICollection<string> errors)
    {
        if (RequestsPerMinute is <= 0)
        {
            errors.Add($"{path}:RequestsPerMinute must be positive.");
        }

        if (Burst is not null)
        {
            if (Burst <= 0)
            {
                errors.Add($"{path}:Burst must be positive.");
            }
            else if (RequestsPerMinute is null)
            {
                errors.Add($"{path}:Burst requires {path}:RequestsPerMinute.");
            }
            else if (Burst > RequestsPerMinute)
            {
                errors.Add($"{path}:Burst must not exceed {path}:RequestsPerMinute.");
            }
        }

        if (MinInterval is { } interval && interval <= TimeSpan.Zero)
        {
            errors.Add($"{path}:MinInterval must be positive.");
        }

        if (MaxConcurrency is <= 0)
        {
            errors.Add($"{path}:MaxConcurrency must be positive.");
        }

        if (QueueLimit is < 0)
        {
            errors.Add($"{path}:QueueLimit must not be negative.");
        }

        if (MaxWait is { } wait && wait < TimeSpan.Zero)
        {
            errors.Add($"{path}:MaxWait must not be negative.");
        }
    }
}
