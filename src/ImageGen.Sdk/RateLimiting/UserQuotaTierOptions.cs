namespace ImageGen.Sdk;

/// <summary>The quotas of one named tier of end users (<c>ImageGeneration:UserQuotas:Tiers:{name}</c>); an unset property keeps the base quota.</summary>
public sealed class UserQuotaTierOptions
{
    /// <summary>Gets or sets the most images one user of the tier may generate per UTC day.</summary>
    /// <value><see langword="null"/>: the base <see cref="UserQuotaOptions.DailyLimit"/>.</value>
    public int? DailyLimit { get; set; }

    /// <summary>Gets or sets the most calls one user of the tier may have in flight.</summary>
    /// <value><see langword="null"/>: the base <see cref="UserQuotaOptions.MaxConcurrency"/>.</value>
    public int? MaxConcurrency { get; set; }

    /// <summary>Gets or sets the largest image (width × height) a user of the tier may ask for.</summary>
    /// <value><see langword="null"/>: the base <see cref="UserQuotaOptions.MaxPixels"/>.</value>
    public long? MaxPixels { get; set; }
}
