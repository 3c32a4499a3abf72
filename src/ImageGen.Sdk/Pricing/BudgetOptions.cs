namespace ImageGen.Sdk;

/// <summary>
/// Spending limits in US dollars (<c>ImageGeneration:Budget</c>), checked against each call's estimated cost before
/// it is sent. Days and months are UTC. Unset limits do not apply.
/// </summary>
public sealed class BudgetOptions
{
    /// <summary>Gets or sets the most the app may spend per UTC day, over all providers.</summary>
    /// <value><see langword="null"/>: no daily budget.</value>
    public decimal? DailyUsd { get; set; }

    /// <summary>Gets or sets the most the app may spend per UTC calendar month, over all providers.</summary>
    /// <value><see langword="null"/>: no monthly budget.</value>
    public decimal? MonthlyUsd { get; set; }

    /// <summary>Gets or sets the most one end user (<see cref="ImageGenerationRequest.User"/>) may spend per UTC day. Requests without a user are not limited by it.</summary>
    /// <value><see langword="null"/>: no per-user budget.</value>
    public decimal? PerUserDailyUsd { get; set; }

    /// <summary>Gets a value indicating whether any budget is set.</summary>
    internal bool HasLimits => DailyUsd is not null || MonthlyUsd is not null || PerUserDailyUsd is not null;

    /// <summary>Adds one message per invalid property to <paramref name="errors"/>, each naming its configuration key.</summary>
    internal void Validate(string path, ICollection<string> errors)
    {
        if (DailyUsd is <= 0)
        {
            errors.Add($"{path}:DailyUsd must be positive.");
        }

        if (MonthlyUsd is <= 0)
        {
            errors.Add($"{path}:MonthlyUsd must be positive.");
        }

        if (PerUserDailyUsd is <= 0)
        {
            errors.Add($"{path}:PerUserDailyUsd must be positive.");
        }
    }
}
