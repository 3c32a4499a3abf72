namespace ImageGen.Sdk;

/// <summary>
/// Quotas per end user (<see cref="ImageGenerationRequest.User"/>) for apps that generate on behalf of their users
/// (<c>ImageGeneration:UserQuotas</c>). Requests without a user are not limited. Unset properties do not limit.
/// </summary>
public sealed class UserQuotaOptions
{
    /// <summary>Gets or sets the most images one user may generate per UTC day (cache hits do not count; failed calls are given back).</summary>
    /// <value><see langword="null"/>: no daily limit.</value>
    public int? DailyLimit { get; set; }

    /// <summary>Gets or sets the most calls one user may have in flight in this process.</summary>
    /// <value><see langword="null"/>: no concurrency limit.</value>
    public int? MaxConcurrency { get; set; }

    /// <summary>Gets or sets the largest image (width × height) a user may ask for; larger sizes fail with <see cref="ArgumentException"/>.</summary>
    /// <value><see langword="null"/>: no size limit.</value>
    public long? MaxPixels { get; set; }

    /// <summary>Gets named tiers (<c>Tiers:{name}</c>) chosen per user by an <see cref="IUserTierResolver"/>; names ignore case.</summary>
    public IDictionary<string, UserQuotaTierOptions> Tiers { get; } = new Dictionary<string, UserQuotaTierOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether any quota is set, in the base or in a tier.</summary>
    internal bool HasLimits => DailyLimit is not null || MaxConcurrency is not null || MaxPixels is not null
        || Tiers.Values.Any(t => t.DailyLimit is not null || t.MaxConcurrency is not null || t.MaxPixels is not null);

    /// <summary>Adds one message per invalid property to <paramref name="errors"/>, each naming its configuration key.</summary>
    internal void Validate(string path, ICollection<string> errors)
    {
        Check(path, DailyLimit, MaxConcurrency, MaxPixels, errors);
        foreach ((string name, UserQuotaTierOptions tier) in Tiers)
        {
            Check($"{path}:Tiers:{name}", tier.DailyLimit, tier.MaxConcurrency, tier.MaxPixels, errors);
        }

        static void Check(string path, int? daily, int? concurrency, long? pixels, ICollection<string> errors)
        {
            if (daily is <= 0)
            {
                errors.Add($"{path}:DailyLimit must be positive.");
            }

            if (concurrency is <= 0)
            {
                errors.Add($"{path}:MaxConcurrency must be positive.");
            }

            if (pixels is <= 0)
            {
                errors.Add($"{path}:MaxPixels must be positive.");
            }
        }
    }
}
